// A JWT verifier page: decode (untrusted preview) and verify with a public JWK or JWKS.
// Everything runs in the browser on WebCrypto; token text is only ever shown through
// textContent, never parsed as HTML.
import { decode, verify, isJoseError, createLocalJwks, generateKeyPair, exportJwk, sign } from 'isojwt'
import './dpop.js' // the "Call an API with DPoP" panel

const $ = (id) => document.getElementById(id)
const DATE_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time'])
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })

$('form').addEventListener('submit', (event) => {
  event.preventDefault()
  run()
})
$('token').addEventListener('input', () => preview($('token').value.trim()))
$('sample').addEventListener('click', loadSample)

/** Show header and claims as decoded (not trusted); returns false when undecodable. */
function preview(token) {
  if (!token) {
    showDecoded(undefined)
    return false
  }
  try {
    showDecoded(decode(token))
    return true
  } catch (e) {
    showDecoded(undefined)
    showVerdict('invalid', 'Cannot decode this token', e)
    return false
  }
}

async function run() {
  const token = $('token').value.trim()
  if (!preview(token)) {
    if (!token) showVerdict('invalid', 'No token', undefined, 'Paste a token first.')
    return
  }
  let key
  try {
    key = keyFrom($('jwk').value)
  } catch (e) {
    showVerdict('invalid', 'The key is not usable', isJoseError(e) ? e : undefined, isJoseError(e) ? undefined : e.message)
    return
  }
  const options = {}
  const issuer = $('issuer').value.trim()
  const audience = $('audience').value.trim()
  const algorithms = $('algorithms').value.split(/[\s,]+/).filter(Boolean)
  if (issuer) options.issuer = issuer
  if (audience) options.audience = audience
  if (algorithms.length > 0) options.algorithms = algorithms
  showVerdict('working', 'Verifying…')
  try {
    const { header, payload } = await verify(token, key, options)
    showDecoded({ header, payload }, true)
    const checked = [issuer && 'issuer', audience && 'audience', 'lifetime'].filter(Boolean).join(', ')
    showVerdict('valid', 'Valid', undefined, `Signature verified (${header.alg}${header.kid ? `, kid ${header.kid}` : ''}); ${checked} accepted.`)
  } catch (e) {
    showVerdict('invalid', 'Invalid', e)
  }
}

/** A JWK, or a JWKS as a key set that picks the key by the token's kid, kty/crv and alg. */
function keyFrom(text) {
  let value
  try {
    value = JSON.parse(text)
  } catch {
    throw new Error('Paste the public key as JSON (a JWK, or a JWKS with "keys").')
  }
  if (value && typeof value === 'object' && 'keys' in value) return createLocalJwks(value)
  if (!value || typeof value !== 'object' || typeof value.kty !== 'string') throw new Error('A JWK needs a "kty" member.')
  return value
}

function showVerdict(state, title, error, detail) {
  const box = $('verdict')
  box.dataset.state = state
  box.dataset.code = isJoseError(error) ? error.code : ''
  const strong = document.createElement('strong')
  strong.textContent = title
  const lines = [strong]
  if (error !== undefined) {
    const code = document.createElement('code')
    code.textContent = isJoseError(error) ? error.code : (error?.name ?? 'Error')
    const message = document.createElement('span')
    message.textContent = error?.message ?? String(error)
    lines.push(code, message)
  }
  if (detail) {
    const span = document.createElement('span')
    span.textContent = detail
    lines.push(span)
  }
  box.replaceChildren(...lines)
}

function showDecoded(decoded, verified = false) {
  const header = $('header')
  const body = document.createElement('tbody')
  $('trust').textContent = decoded === undefined ? '' : verified ? 'verified' : 'decoded, not verified'
  $('trust').dataset.verified = String(verified)
  if (decoded === undefined) {
    header.textContent = '–'
    header.className = 'empty'
    body.append(row('–', ''))
  } else {
    header.textContent = JSON.stringify(decoded.header, null, 2)
    header.className = ''
    for (const [name, value] of Object.entries(decoded.payload)) body.append(row(name, value))
  }
  $('claims').replaceChildren(body)
}

function row(name, value) {
  const tr = document.createElement('tr')
  const th = document.createElement('th')
  th.textContent = name
  const td = document.createElement('td')
  td.textContent = typeof value === 'string' ? value : JSON.stringify(value)
  if (DATE_CLAIMS.has(name) && typeof value === 'number' && Number.isFinite(value)) {
    const when = document.createElement('div')
    when.className = 'date'
    when.textContent = `${formatDate(value)} (${fromNow(value)})`
    td.append(when)
  }
  tr.append(th, td)
  return tr
}

function formatDate(seconds) {
  const d = new Date(seconds * 1000)
  return Number.isNaN(d.getTime()) ? 'not a valid date' : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')
}

function fromNow(seconds) {
  // Climb units while the rounded value reaches the next one (3596 s → "in 1 hour").
  let value = seconds - Date.now() / 1000
  let unit = 'second'
  for (const [next, factor] of [['minute', 60], ['hour', 60], ['day', 24], ['year', 365.25]]) {
    if (Math.abs(Math.round(value)) < factor) break
    value /= factor
    unit = next
  }
  return relative.format(Math.round(value), unit)
}

/** Fill the form with a fresh ES256 key pair and a token it signed. */
async function loadSample() {
  const { privateKey, publicKey } = await generateKeyPair('ES256')
  const jwk = { ...(await exportJwk(publicKey)), alg: 'ES256', kid: 'sample-1' }
  const token = await sign({ sub: 'user-42', name: 'Ada', scope: 'orders:read' }, privateKey, {
    issuer: 'https://id.example', audience: 'https://api.example', expiresIn: '15m', kid: 'sample-1',
  })
  $('token').value = token
  $('jwk').value = JSON.stringify(jwk, null, 2)
  $('issuer').value = 'https://id.example'
  $('audience').value = 'https://api.example'
  $('algorithms').value = ''
  preview(token)
  showVerdict('idle', 'Sample loaded', undefined, 'Press Verify, or edit the token to see it fail.')
}
