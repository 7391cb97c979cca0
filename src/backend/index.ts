/**
 * The crypto backend of this build. This file is the WebCrypto default; the `node`
 * build (selected by the `node` export condition) resolves it to `node.ts` instead.
 */
export { BACKEND, backendGenerate, backendImport, backendSign, backendSignText, backendVerify, type KeyForm, type KeyMaterial, type SignatureInput, type SigningData } from './webcrypto.ts'
