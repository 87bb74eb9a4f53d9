package io.annexa.api;

import io.annexa.register.AuditEntry;
import io.annexa.register.AuditTrail;
import io.annexa.register.Nonconformity;
import io.annexa.register.NonconformityRepository;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The audit report of a period: every nonconformity active at some time in it, with its treatment and its whole
 * history, under a header that says whether that history can be trusted (the audit chain verified when the report
 * was made). Read from the register a page at a time and handed to a format as it goes, so a long period costs one
 * page of memory, not the period.
 */
final class AuditReport {

    /** Most nonconformities one report holds: beyond it, a shorter period is asked for. */
    static final int MAX_ROWS = 100_000;
    static final int PAGE = 500;

    /** What the report says about itself. {@code generatedBy} is the caller's user name. */
    record Header(AuditPeriod period, Instant generatedAt, String generatedBy, AuditTrail.Verification auditTrail) {
    }

    /** A format: the header once, then each nonconformity with its history, oldest entry first, then the end. */
    interface Format {
        void header(Header header) throws IOException;

        void nonconformity(Nonconformity nc, List<AuditEntry> history) throws IOException;

        void end() throws IOException;
    }

    private AuditReport() {
    }

    static void write(NonconformityRepository repository, Header header, Format format) throws IOException {
        write(repository, header, format, PAGE);
    }

    static void write(NonconformityRepository repository, Header header, Format format, int pageSize) throws IOException {
        format.header(header);
        long after = 0;
        while (true) {
            List<Nonconformity> page = repository.activeDuring(header.period().from(), header.period().to(), after, pageSize);
            Map<Long, List<AuditEntry>> histories = repository.histories(page.stream().map(Nonconformity::getId).toList());
            for (Nonconformity nc : page) {
                format.nonconformity(nc, histories.getOrDefault(nc.getId(), List.of()));
            }
            if (page.size() < pageSize) {
                break;
            }
            after = page.get(page.size() - 1).getId();
        }
        format.end();
    }
}
