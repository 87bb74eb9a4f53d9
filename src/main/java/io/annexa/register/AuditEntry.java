package io.annexa.register;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * One line of the register's history: who did what to which nonconformity, when, from which status to which,
 * with their comment and the SHA-256 of what they sent. Append-only and chained: see {@link AuditTrail}.
 */
@Entity
@Table(name = "audit_entry")
public class AuditEntry {

    /** Who acts when nobody does: automatic opening, resolution, closing, escalation, expiry. */
    public static final String SYSTEM = "system";

    @Id
    private long id;
    @Column(name = "at", nullable = false)
    private OffsetDateTime at;
    @Column(name = "actor", nullable = false)
    private String actor;
    @Column(name = "action", nullable = false)
    private String action;
    @Column(name = "nonconformity_id")
    private Long nonconformityId;
    @Column(name = "from_status")
    private String fromStatus;
    @Column(name = "to_status")
    private String toStatus;
    @Column(name = "comment")
    private String comment;
    @Column(name = "body_hash")
    private String bodyHash;
    @Column(name = "previous_hash", nullable = false)
    private String previousHash;
    @Column(name = "hash", nullable = false)
    private String hash;

    protected AuditEntry() {
    }

    AuditEntry(long id, Instant at, AuditRecord record, String previousHash) {
        this.id = id;
        this.at = Nonconformity.utc(at);
        this.actor = record.actor();
        this.action = record.action();
        this.nonconformityId = record.nonconformityId();
        this.fromStatus = record.from();
        this.toStatus = record.to();
        this.comment = record.comment();
        this.bodyHash = record.bodyHash();
        this.previousHash = previousHash;
        this.hash = AuditTrail.chain(previousHash, id, at, record);
    }

    public long getId() {
        return id;
    }

    public Instant getAt() {
        return at.toInstant();
    }

    public String getActor() {
        return actor;
    }

    public String getAction() {
        return action;
    }

    public Long getNonconformityId() {
        return nonconformityId;
    }

    public String getFromStatus() {
        return fromStatus;
    }

    public String getToStatus() {
        return toStatus;
    }

    public String getComment() {
        return comment;
    }

    public String getBodyHash() {
        return bodyHash;
    }

    public String getPreviousHash() {
        return previousHash;
    }

    public String getHash() {
        return hash;
    }

    AuditRecord record() {
        return new AuditRecord(actor, action, nonconformityId, fromStatus, toStatus, comment, bodyHash);
    }
}
