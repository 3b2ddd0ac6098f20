// The request methods of the HTTP client libraries prodcheck knows, shared by the rules that judge
// outbound calls (timeouts) and the promise knowledge (which calls return a promise).

/** axios request methods → the index of their config argument (`axios.post(url, data, config)`). */
export const AXIOS_CONFIG_AT: Readonly<Record<string, number>> = {
  request: 0,
  get: 1,
  delete: 1,
  head: 1,
  options: 1,
  post: 2,
  put: 2,
  patch: 2,
  postForm: 2,
  putForm: 2,
  patchForm: 2,
};

const GOT_PROMISE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head']);
/** got's request methods (`got.stream` makes a request too, but returns a stream). */
export const GOT_METHODS: ReadonlySet<string> = new Set([...GOT_PROMISE_METHODS, 'stream']);

/** `method` of an axios or got client (the client itself called when `method` is `''`) makes a request. */
export function isClientRequest(library: 'axios' | 'got', method: string): boolean {
  return method === '' || (library === 'axios' ? Object.hasOwn(AXIOS_CONFIG_AT, method) : GOT_METHODS.has(method));
}

/** The request `method` of an axios or got client returns a promise. */
export function clientReturnsPromise(library: 'axios' | 'got', method: string): boolean {
  return method === '' || (library === 'axios' ? Object.hasOwn(AXIOS_CONFIG_AT, method) : GOT_PROMISE_METHODS.has(method));
}
