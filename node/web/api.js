// The console's HTTP client: the token lives in sessionStorage of this gateway's origin only.
const KEY = "caseledger.token";

export class ApiError extends Error {
  /** `messageId` and `params` name the message in the gateway's catalog (i18n.js renders them in the page's language). */
  constructor(status, code, message, details, messageId, params) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.messageId = messageId;
    this.params = params;
  }
}

export const session = {
  get token() {
    return sessionStorage.getItem(KEY);
  },
  set token(value) {
    if (value) sessionStorage.setItem(KEY, value);
    else sessionStorage.removeItem(KEY);
  },
};

/** Called when the gateway answers 401: the console goes back to the login page. */
let onUnauthenticated = () => {};
export function whenUnauthenticated(fn) {
  onUnauthenticated = fn;
}

async function toError(res) {
  let body;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const e = body?.error ?? {};
  return new ApiError(res.status, e.code ?? `HTTP_${res.status}`, e.message ?? res.statusText, e.details, e.messageId, e.params);
}

/** Calls the gateway with the session's token: `body` as JSON, or a file (a Blob) as the raw body under its own type. */
export async function api(method, path, body, { raw = false } = {}) {
  const headers = {};
  if (session.token) headers.authorization = `Bearer ${session.token}`;
  const file = body instanceof Blob;
  if (body !== undefined) headers["content-type"] = file ? body.type || "application/octet-stream" : "application/json";
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : file ? body : JSON.stringify(body) });
  if (!res.ok) {
    const error = await toError(res);
    if (res.status === 401 && session.token) onUnauthenticated(error);
    throw error;
  }
  if (raw) return res;
  return res.status === 204 ? undefined : res.json();
}

export const get = (path) => api("GET", path);
export const post = (path, body) => api("POST", path, body);

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Uploads a file as the raw request body, reporting progress (0..1). XMLHttpRequest: fetch has no upload progress. */
export function upload(path, file, onProgress, headers = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.setRequestHeader("authorization", `Bearer ${session.token}`);
    // A workbook goes as one (the gateway reads .xlsx); anything else as CSV, whatever the browser thinks it is.
    xhr.setRequestHeader("content-type", /\.xlsx?$/i.test(file.name ?? "") ? XLSX_TYPE : "text/csv");
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.upload.onload = () => onProgress(1, true);
    xhr.onload = () => {
      let body;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else {
        const e = body?.error ?? {};
        if (xhr.status === 401) onUnauthenticated();
        reject(new ApiError(xhr.status, e.code ?? `HTTP_${xhr.status}`, e.message ?? xhr.statusText, e.details, e.messageId, e.params));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, "NETWORK", "网络错误 / network error"));
    xhr.send(file);
  });
}

/** Downloads an authenticated file (the token cannot go in a link). */
export async function download(path, fallbackName) {
  const res = await api("GET", path, undefined, { raw: true });
  const disposition = res.headers.get("content-disposition") ?? "";
  const match = /filename\*=UTF-8''([^;]+)|filename="?([^";]+)"?/i.exec(disposition);
  const name = match ? decodeURIComponent(match[1] ?? match[2]) : fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Polls `fn` every `ms` until it returns something truthy, or `timeoutMs` passes (then resolves undefined). */
export async function poll(fn, { ms = 1000, timeoutMs = 120_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, ms));
  }
}
