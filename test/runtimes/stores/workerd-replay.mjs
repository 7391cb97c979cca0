// The Worker that hosts isojwt/stores' ReplayStoreObject (the "replay" service of stores.capnp).
export { ReplayStoreObject } from 'isojwt/stores'
export default { fetch: () => new Response('the replay store host') }
