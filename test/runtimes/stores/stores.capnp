# workerd config for run-stores-workerd.mjs: isojwt/stores' Durable Object replay store in
# workerd itself, bundled from the installed tarball.
# - "replay" hosts ReplayStoreObject (the package's class) with in-memory storage;
# - "front-a" and "front-b" are two Workers (two isolates) with the same code
#   (stores-front.js), each binding that namespace as REPLAY, each on its own socket.
# Workers KV is not here: workerd has the KV binding but no KV storage of its own, so
# kvCacheStore runs in miniflare (run-stores-miniflare.mjs), which supplies it.
# No outbound network, no nodejs_compat.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "replay", worker = .replay),
    (name = "front-a", worker = .front),
    (name = "front-b", worker = .front),
  ],
  sockets = [
    (name = "a", address = "127.0.0.1:0", http = (), service = "front-a"),
    (name = "b", address = "127.0.0.1:0", http = (), service = "front-b"),
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
  bindings = [
    (name = "REPLAY", durableObjectNamespace = (className = "ReplayStoreObject", serviceName = "replay")),
  ],
);
