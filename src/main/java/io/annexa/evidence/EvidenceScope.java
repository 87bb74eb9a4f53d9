package io.annexa.evidence;

/** Evidence of one kind about one asset, whichever route delivered it. */
public record EvidenceScope(String source, String asset) {
}
