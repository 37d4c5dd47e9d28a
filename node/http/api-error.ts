/** The HTTP layer's name for a service error: it maps to `{ error: { code, message, details } }` and a status. */
export { ServiceError as ApiError, API_ERRORS, type ApiErrorCode, notFound } from "../services/service-error.js";
