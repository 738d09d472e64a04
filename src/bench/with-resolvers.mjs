// Promise.withResolvers (ES2024, Node >= 22) for the PostGraphile peer on Node 20, preloaded with
// `node --import` into that child process only. The hub and the raw peer run without it.
if (typeof Promise.withResolvers !== "function") {
  Object.defineProperty(Promise, "withResolvers", {
    configurable: true,
    writable: true,
    value: function withResolvers() {
      let resolve;
      let reject;
      const promise = new this((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
