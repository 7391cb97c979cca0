# workerd config for the conformance suite (test/runtimes/run-workerd.mjs).
# The runner bundles .runtimes/app (the installed tarball + conformance/*.mjs) with the
# workerd export conditions into .runtimes/workerd/conformance.js, then runs
# `workerd test` on this file. nodejs_compat is deliberately NOT enabled: isojwt must work
# on plain Workers APIs.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "conformance", worker = .worker)],
);

const worker :Workerd.Worker = (
  modules = [(name = "conformance.js", esModule = embed "../../../.runtimes/workerd/conformance.js")],
  compatibilityDate = "2026-11-17",
);
