import type { ServiceError } from "../../../node/services/service-error.js";

/** The ServiceError a service call was refused with; fails the test when the call succeeds. */
export async function rejected(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error("expected a refusal");
}
