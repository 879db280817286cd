// Package funchost decodes the Azure Functions host's invocation envelope and writes
// the replies the host expects from a custom handler.
//
// The host POSTs `{"Data":{...},"Metadata":{...}}` to /<FunctionName> for every
// invocation that is not a forwarded HTTP request (timers, blobs, Service Bus, and HTTP
// functions when forwarding is off). Values inside the envelope are encoded in the
// host's peculiar way (double-encoded strings, base64 for binary data, DateTime values
// without a zone); the decoders here undo that, following the project's
// functions-contract.md §2. The reply must be a 2xx JSON object or the host fails or
// hangs the invocation (§3.1); [WriteResult] and [Handler] make sure it always is.
//
// The same package builds envelopes ([BuildTimer], [BuildBlob], [BuildHTTP]) with
// exactly the host's encoding, so the local dev host and tests send what Azure sends.
package funchost
