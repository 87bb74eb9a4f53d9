package io.annexa.cluster;

import io.annexa.evaluation.EvaluationResult;
import io.annexa.evaluation.RuleDefinition;
import io.annexa.register.LeaseLostException;
import io.annexa.register.NonconformityRegister;
import io.annexa.register.PartitionLeases;
import io.annexa.register.RegisterScope;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Partitions recorded into the shared register: a claim takes the partition's lease and opens a register scoped to the
 * partition's assets whose every transaction checks that lease, so an instance that lost the partition writes nothing.
 */
public final class RegisterClaims implements PartitionRecorder.Claims {

    /** Opens a register for one partition's scope: its assets, its lease's fence, and who keeps the daily figures. */
    @FunctionalInterface
    public interface Registers {
        NonconformityRegister open(RegisterScope scope);
    }

    private final PartitionLeases leases;
    private final String instanceId;
    private final int partitions;
    private final Registers registers;
    private final Consumer<List<NonconformityRegister.Change>> changes;

    /**
     * @param changes told of what each recorded result changed (the log)
     */
    public RegisterClaims(PartitionLeases leases, String instanceId, int partitions, Registers registers,
                          Consumer<List<NonconformityRegister.Change>> changes) {
        this.leases = leases;
        this.instanceId = instanceId;
        this.partitions = partitions;
        this.registers = registers;
        this.changes = changes;
    }

    @Override
    public PartitionRecorder claim(int partition) {
        PartitionLeases.Lease lease = leases.take(partition, instanceId);
        RegisterScope scope = RegisterScope.partition(asset -> AssetPartitioner.partition(asset, partitions) == partition,
                leases.fence(lease));
        // the daily figures cover the whole register: one writer, whoever holds partition 0 (its fence stops a former holder)
        NonconformityRegister register = registers.open(partition == 0 ? scope.keepingFigures() : scope);
        return new PartitionRecorder() {
            @Override
            public void record(EvaluationResult result, Function<String, Optional<RuleDefinition>> rules) {
                try {
                    changes.accept(register.reconcile(result, rules));
                } catch (LeaseLostException e) {
                    throw new PartitionLostException(e.getMessage(), e);
                }
            }

            @Override
            public void tick() {
                try {
                    changes.accept(register.tick());
                } catch (LeaseLostException e) {
                    throw new PartitionLostException(e.getMessage(), e);
                }
            }

            @Override
            public long epoch() {
                return lease.epoch();
            }

            @Override
            public void close() {
                leases.release(lease);
            }
        };
    }
}
