package io.annexa.register;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.TableGenerator;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * One observation behind a nonconformity: a finding as a rule stated it (the file and line, or the log lines of an
 * incident), when it was seen, from which sources, and its SHA-256. Kept whole: evidence longer than one row holds
 * is split into numbered parts, never cut.
 */
@Entity
@Table(name = "occurrence")
public class Occurrence {

    @Id
    @GeneratedValue(strategy = GenerationType.TABLE, generator = "occurrence_ids")
    @TableGenerator(name = "occurrence_ids", table = "register_ids", pkColumnName = "name", valueColumnName = "next_id",
            pkColumnValue = "occurrence", allocationSize = 200)
    private Long id;

    @Column(name = "nonconformity_id", nullable = false)
    private long nonconformityId;
    @Column(name = "observed_at", nullable = false)
    private OffsetDateTime observedAt;
    @Column(name = "rule_id", nullable = false)
    private String ruleId;
    @Column(name = "source", nullable = false)
    private String source;
    @Column(name = "incident", nullable = false)
    private boolean incident;
    @Column(name = "part", nullable = false)
    private int part;
    @Column(name = "parts", nullable = false)
    private int parts;
    /** SHA-256 of the whole evidence (all parts), so one observation is recognised again. */
    @Column(name = "content_hash", nullable = false)
    private String contentHash;
    @Column(name = "summary", nullable = false)
    private String summary;

    protected Occurrence() {
    }

    Occurrence(long nonconformityId, Instant observedAt, String ruleId, String source, boolean incident, int part,
               int parts, String contentHash, String summary) {
        this.nonconformityId = nonconformityId;
        this.observedAt = Nonconformity.utc(observedAt);
        this.ruleId = ruleId;
        this.source = source;
        this.incident = incident;
        this.part = part;
        this.parts = parts;
        this.contentHash = contentHash;
        this.summary = summary;
    }

    /** The rows one observation is stored as: one, or more when its evidence is longer than a row holds. */
    static java.util.List<Occurrence> of(long nonconformityId, Instant at, String ruleId, String source, boolean incident,
                                         String evidence) {
        String hash = ContentHash.of(evidence);
        java.util.List<Integer> ends = partEnds(evidence, V2__RegisterSchema.H2_TEXT);
        java.util.List<Occurrence> rows = new java.util.ArrayList<>(ends.size());
        int start = 0;
        for (int i = 0; i < ends.size(); i++) {
            rows.add(new Occurrence(nonconformityId, at, ruleId, source, incident, i + 1, ends.size(), hash,
                    evidence.substring(start, ends.get(i))));
            start = ends.get(i);
        }
        return rows;
    }

    /**
     * Where each part ends: at most {@code size} characters, never between the two halves of a surrogate pair. A half
     * on its own is not text: PostgreSQL's driver stores it as '?', and the evidence would no longer reassemble.
     */
    static java.util.List<Integer> partEnds(String evidence, int size) {
        java.util.List<Integer> ends = new java.util.ArrayList<>();
        int start = 0;
        do {
            int end = Math.min(evidence.length(), start + size);
            if (end < evidence.length() && end - start > 1 && Character.isHighSurrogate(evidence.charAt(end - 1))) {
                end--;
            }
            ends.add(end);
            start = end;
        } while (start < evidence.length());
        return ends;
    }

    public Long getId() {
        return id;
    }

    public long getNonconformityId() {
        return nonconformityId;
    }

    public Instant getObservedAt() {
        return observedAt.toInstant();
    }

    public String getRuleId() {
        return ruleId;
    }

    public String getSource() {
        return source;
    }

    public boolean isIncident() {
        return incident;
    }

    public int getPart() {
        return part;
    }

    public int getParts() {
        return parts;
    }

    public String getContentHash() {
        return contentHash;
    }

    public String getSummary() {
        return summary;
    }
}
