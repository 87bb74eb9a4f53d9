package io.annexa.register;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The end of the audit chain, in one row. Appending locks it, so two writers (two requests, or two instances on one
 * database) number and chain their entries one after the other; it also betrays a deleted last entry.
 */
@Entity
@Table(name = "audit_head")
class AuditHead {

    @Id
    private int id;
    @Column(name = "last_id", nullable = false)
    private long lastId;
    @Column(name = "last_hash", nullable = false)
    private String lastHash;

    protected AuditHead() {
    }

    long lastId() {
        return lastId;
    }

    String lastHash() {
        return lastHash;
    }

    void advance(long id, String hash) {
        lastId = id;
        lastHash = hash;
    }
}
