package io.annexa.cluster;

import io.annexa.evidence.AssetNames;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Which partition an asset belongs to, the same for both topics: everything known about one asset (its evidence, its
 * log events) meets in one partition, so one session sees it all. The hash is the one Kafka's default partitioner
 * applies to a key, computed here because the evidence topic's key also names the source: the partition must follow
 * the asset alone.
 */
public final class AssetPartitioner {

    private AssetPartitioner() {
    }

    public static int partition(String asset, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("at least one partition, not " + partitions);
        }
        return Utils.toPositive(Utils.murmur2(AssetNames.normalize(asset).getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
