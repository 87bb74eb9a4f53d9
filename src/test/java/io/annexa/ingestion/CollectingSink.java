package io.annexa.ingestion;

import io.annexa.evidence.EvidenceSink;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.SnapshotKeys;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** A real recipient for source tests: keeps every hand-over, from whichever Camel thread makes it. */
public final class CollectingSink implements EvidenceSink {

    /** One replace call. */
    public record Call(EvidenceKey key, List<Object> facts) {
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<Object> events = new CopyOnWriteArrayList<>();
    private final List<EvidenceKey> withdrawals = new CopyOnWriteArrayList<>();
    // replace and withdraw calls in the order they came, to tell whether a key is held now
    private final List<Object> sequence = new CopyOnWriteArrayList<>();

    @Override
    public void replace(EvidenceKey key, List<Object> facts) {
        Call call = new Call(key, List.copyOf(facts));
        calls.add(call);
        sequence.add(call);
    }

    /** One replaceSnapshot call, whole. */
    public record Snapshot(String asset, String origin, Map<EvidenceKey, List<Object>> evidence) {
    }

    private final List<Snapshot> snapshots = new CopyOnWriteArrayList<>();

    /**
     * Recorded whole, and as the engine applies it: each key replaced, and each key of the asset and origin held before
     * and missing now withdrawn.
     */
    @Override
    public synchronized void replaceSnapshot(String asset, String origin, Map<EvidenceKey, List<Object>> evidence) {
        SnapshotKeys.check(asset, origin, evidence.keySet());
        snapshots.add(new Snapshot(asset, origin, Map.copyOf(evidence)));
        List<EvidenceKey> gone = calls.stream().map(Call::key).distinct()
                .filter(key -> SnapshotKeys.belongs(key, asset, origin) && !evidence.containsKey(key) && holds(key)).toList();
        evidence.forEach(this::replace);
        gone.forEach(this::withdraw);
    }

    /** Every replaceSnapshot call, in the order they came. */
    public List<Snapshot> snapshots() {
        return List.copyOf(snapshots);
    }

    @Override
    public void withdraw(EvidenceKey key) {
        withdrawals.add(key);
        sequence.add(key);
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

    /** How often {@code key} was withdrawn. */
    public long withdrawals(EvidenceKey key) {
        return withdrawals.stream().filter(key::equals).count();
    }

    /** Every withdrawal, in the order they came. */
    public List<EvidenceKey> withdrawals() {
        return List.copyOf(withdrawals);
    }

    /** True when the last hand-over under {@code key} was a read, not a withdrawal. */
    public boolean holds(EvidenceKey key) {
        Object last = null;
        for (Object handOver : sequence) {
            if (handOver.equals(key) || handOver instanceof Call call && call.key().equals(key)) {
                last = handOver;
            }
        }
        return last instanceof Call;
    }

    public List<Object> events() {
        return List.copyOf(events);
    }
}
