package io.annexa.register;

/**
 * What one audit entry says, before it is numbered and chained.
 *
 * @param bodyHash SHA-256 of the request body that asked for it; null for automatic actions
 */
public record AuditRecord(String actor, String action, Long nonconformityId, String from, String to, String comment,
                          String bodyHash) {
}
