package io.annexa.ingestion;

import io.annexa.evidence.EvidenceSink;
import io.annexa.evidence.EvidenceKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** A real recipient for source tests: keeps every hand-over, from whichever Camel thread makes it. */
public final class CollectingSink implements EvidenceSink {

    /** One replace call. */
    public record Call(EvidenceKey key, List<Object> facts) {
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<Object> events = new CopyOnWriteArrayList<>();

    @Override
    public void replace(EvidenceKey key, List<Object> facts) {
        calls.add(new Call(key, List.copyOf(facts)));
    }

    @Override
    public void events(List<?> received) {
        events.addAll(received);
    }

    public long calls(EvidenceKey key) {
        return calls.stream().filter(c -> c.key().equals(key)).count();
    }

    public Optional<List<Object>> latest(EvidenceKey key) {
        List<Object> last = null;
        for (Call call : calls) {
            if (call.key().equals(key)) {
                last = call.facts();
            }
        }
        return Optional.ofNullable(last);
    }

    public List<EvidenceKey> keys() {
        return calls.stream().map(Call::key).distinct().toList();
    }

    public List<Object> events() {
        return List.copyOf(events);
    }
}
