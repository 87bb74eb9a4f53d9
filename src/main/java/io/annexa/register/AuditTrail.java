package io.annexa.register;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;

/**
 * The register's append-only history, chained with SHA-256: each entry's hash covers its own fields and the previous
 * entry's hash, so changing or deleting any entry breaks the chain from there on, and {@link #verify} names the first
 * entry that no longer fits. Entries are numbered 1, 2, 3… without gaps; the head row holds the last number and hash,
 * so even the last entry cannot disappear unnoticed.
 */
public final class AuditTrail {

    /** What {@code GET /api/audit/verify} answers. {@code firstBroken} is null when the chain is whole. */
    public record Verification(boolean valid, long entries, Long firstBroken) {
    }

    private static final int PAGE = 2000;

    private AuditTrail() {
    }

    /**
     * Appends within the caller's transaction, which holds the head's lock until it commits. Public for the records
     * kept beside the register (alert silences), whose persistence unit maps {@link AuditEntry} and {@link AuditHead}.
     */
    public static AuditEntry append(EntityManager em, Instant at, AuditRecord record) {
        AuditHead head = em.find(AuditHead.class, 1, LockModeType.PESSIMISTIC_WRITE);
        if (head == null) {
            throw new IllegalStateException("the audit trail's head row is missing: the register's schema is damaged");
        }
        AuditEntry entry = new AuditEntry(head.lastId() + 1, stored(at), record, head.lastHash());
        em.persist(entry);
        head.advance(entry.getId(), entry.getHash());
        return entry;
    }

    /**
     * Locks the head row until the caller's transaction ends, before anything else it writes: {@link #append} would
     * take the same lock later, and taking it first keeps one order of locks for every writer of the register.
     */
    static void lockHead(EntityManager em) {
        em.find(AuditHead.class, 1, LockModeType.PESSIMISTIC_WRITE);
    }

    /** The precision both databases keep, so the hash of what was stored is the hash of what is read back. */
    static Instant stored(Instant at) {
        return at.truncatedTo(ChronoUnit.MILLIS);
    }

    static String chain(String previousHash, long id, Instant at, AuditRecord record) {
        MessageDigest digest = ContentHash.digest();
        for (String field : new String[] {previousHash, Long.toString(id), stored(at).toString(), record.actor(),
                record.action(), String.valueOf(record.nonconformityId()), record.from(), record.to(), record.comment(),
                record.bodyHash()}) {
            // length-prefixed, so no two different entries hash the same text ("a|b" + "c" vs "a" + "b|c")
            byte[] bytes = field == null ? new byte[0] : field.getBytes(StandardCharsets.UTF_8);
            digest.update((field == null ? "-1:" : bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
            digest.update(bytes);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Walks the whole chain, a page at a time. */
    static Verification verify(EntityManager em) {
        String previous = "0".repeat(64);
        long expected = 1;
        long count = 0;
        while (true) {
            List<AuditEntry> page = em.createQuery("select e from AuditEntry e where e.id >= :from order by e.id", AuditEntry.class)
                    .setParameter("from", expected)
                    .setMaxResults(PAGE)
                    .getResultList();
            for (AuditEntry entry : page) {
                if (entry.getId() != expected || !entry.getPreviousHash().equals(previous)
                        || !chain(previous, entry.getId(), entry.getAt(), entry.record()).equals(entry.getHash())) {
                    return new Verification(false, count + 1, expected);
                }
                previous = entry.getHash();
                expected++;
                count++;
                em.detach(entry);
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        AuditHead head = em.find(AuditHead.class, 1);
        if (head == null || head.lastId() != count || !head.lastHash().equals(previous)) {
            return new Verification(false, count, count + 1);
        }
        return new Verification(true, count, null);
    }
}
