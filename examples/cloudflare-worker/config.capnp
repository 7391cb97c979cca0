# workerd configuration for running this Worker locally without wrangler (and for the
# repository's test, test/runtimes/run-example-worker.mjs).
#
#   npm run build     # esbuild src/index.ts --bundle … --outfile=dist/worker.js
#   JWT_PUBLIC_JWK="$(cat public-jwk.json)" npx workerd serve config.capnp
#
# The replay store's Durable Objects keep their state in memory here (Cloudflare stores
# it durably). nodejs_compat is deliberately not enabled: isojwt needs only WebCrypto.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "api", worker = .api)],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "api")],
);

const api :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "dist/worker.js")],
  compatibilityDate = "2026-11-17",
  durableObjectNamespaces = [(className = "ReplayStoreObject", uniqueKey = "isojwt-example-replay")],
  durableObjectStorage = (inMemory = void),
  bindings = [
    # The authorization server's public JWK, read from the environment variable of the same name.
    (name = "JWT_PUBLIC_JWK", fromEnvironment = "JWT_PUBLIC_JWK"),
    (name = "JWT_ISSUER", text = "https://id.example"),
    (name = "JWT_AUDIENCE", text = "https://api.example"),
    (name = "REPLAY", durableObjectNamespace = (className = "ReplayStoreObject")),
  ],
);
