# workerd config for run-stores-workerd.mjs: isojwt/stores' Durable Object replay store and
# Workers KV cache store in workerd itself, bundled from the installed tarball.
# - "replay" hosts ReplayStoreObject (the package's class) with in-memory storage;
# - "front-a" and "front-b" are two Workers (two isolates) with the same code
#   (stores-front.js), each binding that namespace as REPLAY and the KV namespace
#   JWKS_CACHE, each on its own socket;
# - "kv" is the storage behind workerd's KV binding: workerd implements the KV API for the
#   Worker and sends its reads and writes to this service (kv-service.mjs, an in-memory map
#   that honours expiration_ttl and refuses one under 60 s as Cloudflare does).
# Outbound fetches (the JWK Set on the runner's loopback server) go through a network
# service limited to local addresses. No nodejs_compat.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "replay", worker = .replay),
    (name = "front-a", worker = .front),
    (name = "front-b", worker = .front),
    (name = "kv", worker = .kv),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [
    (name = "a", address = "127.0.0.1:0", http = (), service = "front-a"),
    (name = "b", address = "127.0.0.1:0", http = (), service = "front-b"),
    (name = "kvadmin", address = "127.0.0.1:0", http = (), service = "kv"),
  ],
);

const replay :Workerd.Worker = (
  modules = [(name = "replay.js", esModule = embed "../../../.runtimes/workerd/stores-replay.js")],
  compatibilityDate = "2026-11-17",
  durableObjectNamespaces = [(className = "ReplayStoreObject", uniqueKey = "isojwt-replay-store")],
  durableObjectStorage = (inMemory = void),
);

const front :Workerd.Worker = (
  modules = [(name = "front.js", esModule = embed "../../../.runtimes/workerd/stores-front.js")],
  compatibilityDate = "2026-11-17",
  globalOutbound = "loopback",
  bindings = [
    (name = "REPLAY", durableObjectNamespace = (className = "ReplayStoreObject", serviceName = "replay")),
    (name = "JWKS_CACHE", kvNamespace = (name = "kv")),
  ],
);

const kv :Workerd.Worker = (
  modules = [(name = "kv.js", esModule = embed "kv-service.mjs")],
  compatibilityDate = "2026-11-17",
);
