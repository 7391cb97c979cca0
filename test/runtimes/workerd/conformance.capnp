# workerd config for the conformance suite (test/runtimes/run-workerd.mjs).
# The runner bundles .runtimes/app (the installed tarball + conformance/*.mjs) with the
# workerd export conditions into .runtimes/workerd/conformance.js, then runs
# `workerd test` on this file. nodejs_compat is deliberately NOT enabled: isojwt must work
# on plain Workers APIs.
#
# The suite's remote key-set section fetches from the runner's JWK Set server on
# 127.0.0.1 (its origin arrives in ISOJWT_JWKS_BASE_URL). workerd's default "internet"
# service allows public addresses only, so the worker's global fetch goes through a
# network service that allows "local" addresses (127.0.0.0/8, ::1) and nothing else.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "conformance", worker = .worker),
    (name = "loopback", network = (allow = ["local"])),
  ],
);

const worker :Workerd.Worker = (
  modules = [(name = "conformance.js", esModule = embed "../../../.runtimes/workerd/conformance.js")],
  compatibilityDate = "2026-11-17",
  globalOutbound = "loopback",
  bindings = [(name = "JWKS_BASE_URL", fromEnvironment = "ISOJWT_JWKS_BASE_URL")],
);
