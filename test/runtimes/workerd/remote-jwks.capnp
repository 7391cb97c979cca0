# workerd config for the remote key-set concurrency check of test/runtimes/run-workerd.mjs:
# `workerd serve` runs remote-jwks-worker.mjs (bundled from the installed tarball into
# .runtimes/workerd/remote-jwks.js), which verifies bearer tokens against
# createRemoteJwks(JWKS_URL), a JWK Set on the runner's loopback server.
#
# The socket address is overridden on the command line (`-s http=127.0.0.1:0`). workerd's
# default "internet" service refuses private and local addresses (SSRF protection), so the
# worker's global fetch goes through a network service that allows "local" addresses
# (127.0.0.0/8, ::1, Unix sockets) only. No nodejs_compat.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [(name = "remote-jwks.js", esModule = embed "../../../.runtimes/workerd/remote-jwks.js")],
  compatibilityDate = "2026-11-17",
  globalOutbound = "loopback",
  bindings = [(name = "JWKS_URL", fromEnvironment = "ISOJWT_JWKS_URL")],
);
