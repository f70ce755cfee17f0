// Preloaded (node --import) by the native UDP I/O test: makes the addon fail to load, as on a
// machine where it was not built, so the fallback to dgram can be checked. The addon is loaded with
// createRequire, which goes through Module._load.
import Module from 'node:module';

const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === '@meridian/udp-batch') throw new Error("Cannot find module '@meridian/udp-batch' (hidden by the test)");
  return load.call(this, request, ...rest);
};
