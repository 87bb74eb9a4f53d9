package io.annexa.register.policy;

import io.annexa.evidence.AssetNames;
import io.annexa.evidence.InvalidAssetNameException;
import io.annexa.yaml.YamlFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads {@code config/assets.yml}, the asset inventory (ISO/IEC 27002:2022 5.9):
 * <pre>
 * assets:
 *   - name: web-01.sample            # one asset, or
 *     match: "web-*"                 # a glob over asset names ('*' and '?'): exactly one of the two
 *     owner: web-team@example.org
 *     criticality: high              # low | medium | high | critical
 *     classification: internal       # optional
 *     tags: [web, dmz]               # optional
 *     decommissioned: false          # optional
 * </pre>
 * The file is edited by hand and may be generated from a CMDB, so everything is bounded and every problem is
 * reported with file, line, column and field; a file with any problem is refused whole.
 */
public final class AssetInventoryReader {

    static final long MAX_BYTES = 4L * 1024 * 1024;
    static final int MAX_ENTRIES = 100_000;
    static final int MAX_OWNER = 200;
    static final int MAX_CLASSIFICATION = 100;
    static final int MAX_TAG = 64;
    static final int MAX_TAGS = 64;

    private static final Set<String> FIELDS = Set.of("name", "match", "owner", "criticality", "classification", "tags",
            "decommissioned");

    private AssetInventoryReader() {
    }

    /** @return the inventory; an absent or empty file is an empty inventory */
    public static AssetInventory read(Path file) throws RegisterConfigException {
        if (!Files.exists(file)) {
            return AssetInventory.empty();
        }
        ConfigYaml yaml = ConfigYaml.open(file, MAX_BYTES);
        Node root = yaml.root().orElse(null);
        if (root == null) {
            return AssetInventory.empty();
        }
        if (!(root instanceof MappingNode top)) {
            yaml.problem(root, "assets", "the file must hold a list 'assets:' of entries with name or match, owner and criticality");
            yaml.throwIfAny();
            return AssetInventory.empty();
        }
        NodeTuple assets = yaml.fields(top, "", Set.of("assets")).get("assets");
        if (assets == null) {
            yaml.problem(top, "assets", "missing; write 'assets: []' for an empty inventory");
            yaml.throwIfAny();
            return AssetInventory.empty();
        }
        Node list = assets.getValueNode();
        if (!(list instanceof SequenceNode sequence)) {
            if (!ConfigYaml.isNull(list)) {
                yaml.problem(list, "assets", "must be a list of entries, each starting with '- '");
            }
            yaml.throwIfAny();
            return AssetInventory.empty();
        }
        if (sequence.getValue().size() > MAX_ENTRIES) {
            yaml.problem(list, "assets", "has " + sequence.getValue().size() + " entries, more than " + MAX_ENTRIES
                    + "; use 'match' globs for groups of assets");
            yaml.throwIfAny();
        }
        return new Entries(yaml).inventory(sequence);
    }

    /** The entries of one file, with what has been seen so far to find duplicates. */
    private static final class Entries {
        private final ConfigYaml yaml;
        private final Map<String, Node> seen = new HashMap<>();

        Entries(ConfigYaml yaml) {
            this.yaml = yaml;
        }

        AssetInventory inventory(SequenceNode sequence) throws RegisterConfigException {
            List<AssetRecord> records = new ArrayList<>();
            List<Node> entries = sequence.getValue();
            for (int i = 0; i < entries.size(); i++) {
                AssetRecord record = entry(entries.get(i), "assets[" + i + "]");
                if (record != null) {
                    records.add(record);
                }
            }
            yaml.throwIfAny();
            return new AssetInventory(records);
        }

        private AssetRecord entry(Node node, String path) {
            if (!(node instanceof MappingNode mapping)) {
                yaml.problem(node, path, "must be a mapping with name or match, owner and criticality");
                return null;
            }
            Map<String, NodeTuple> fields = yaml.fields(mapping, path, FIELDS);
            String pattern = pattern(fields, mapping, path);
            String owner = required(fields, mapping, path, "owner", "who is accountable for the asset, e.g. a team address")
                    ? yaml.freeText(value(fields, "owner"), path + ".owner", MAX_OWNER) : null;
            Criticality criticality = required(fields, mapping, path, "criticality", "one of " + Criticality.ALLOWED)
                    ? criticality(value(fields, "criticality"), path) : null;
            String classification = fields.containsKey("classification")
                    ? yaml.freeText(value(fields, "classification"), path + ".classification", MAX_CLASSIFICATION) : "";
            List<String> tags = fields.containsKey("tags") ? tags(value(fields, "tags"), path + ".tags") : List.of();
            Boolean decommissioned = fields.containsKey("decommissioned")
                    ? flag(value(fields, "decommissioned"), path + ".decommissioned") : Boolean.FALSE;
            if (pattern == null || owner == null || criticality == null || classification == null || tags == null
                    || decommissioned == null) {
                return null;
            }
            return new AssetRecord(pattern, owner, criticality, classification, tags, decommissioned);
        }

        /** The normalised name, or the glob; each may appear once in the file. */
        private String pattern(Map<String, NodeTuple> fields, MappingNode entry, String path) {
            NodeTuple name = fields.get("name");
            NodeTuple match = fields.get("match");
            if (name != null && match != null) {
                yaml.problem(match.getKeyNode(), path + ".match", "give either 'name' (one asset) or 'match' (a glob), not both");
                return null;
            }
            if (name == null && match == null) {
                yaml.problem(entry, path + ".name", "missing; give 'name' (one asset) or 'match' (a glob such as \"web-*\")");
                return null;
            }
            String pattern = name != null ? name(name.getValueNode(), path + ".name") : glob(match.getValueNode(), path + ".match");
            if (pattern == null) {
                return null;
            }
            Node where = (name != null ? name : match).getValueNode();
            Node first = seen.putIfAbsent(pattern, where);
            if (first != null) {
                yaml.problem(where, path + (name != null ? ".name" : ".match"), (name != null ? "asset '" : "glob '")
                        + pattern + "' is listed twice (first on line " + YamlFile.line(first) + "); keep one entry");
                return null;
            }
            return pattern;
        }

        private String name(Node node, String field) {
            String text = yaml.text(node, field);
            if (text == null) {
                return null;
            }
            try {
                return AssetNames.validate("name", text);
            } catch (InvalidAssetNameException e) {
                yaml.problem(node, field, e.getMessage());
                return null;
            }
        }

        /** Asset name characters and the wildcards '*' and '?': nothing else can match an asset name. */
        private String glob(Node node, String field) {
            String text = yaml.text(node, field);
            if (text == null) {
                return null;
            }
            String glob = text.toLowerCase(Locale.ROOT);
            if (glob.length() > AssetNames.MAX_LENGTH) {
                yaml.problem(node, field, "is " + glob.length() + " characters long, more than " + AssetNames.MAX_LENGTH);
                return null;
            }
            if (!glob.matches("[a-z0-9.*?_-]+")) {
                yaml.problem(node, field, "'" + ConfigYaml.shown(text)
                        + "' may hold letters a-z, digits, '.', '-', '_' and the wildcards '*' and '?' only");
                return null;
            }
            if (!AssetRecord.isGlob(glob)) {
                yaml.problem(node, field, "'" + text + "' has no '*' or '?'; use 'name' for a single asset");
                return null;
            }
            return glob;
        }

        private Criticality criticality(Node node, String path) {
            String text = yaml.text(node, path + ".criticality");
            try {
                return text == null ? null : Criticality.parse(text);
            } catch (IllegalArgumentException e) {
                yaml.problem(node, path + ".criticality", "'" + ConfigYaml.shown(text) + "' is not one of " + Criticality.ALLOWED);
                return null;
            }
        }

        private List<String> tags(Node node, String field) {
            if (ConfigYaml.isNull(node)) {
                return List.of();
            }
            if (!(node instanceof SequenceNode sequence)) {
                yaml.problem(node, field, "must be a list, e.g. [web, dmz]");
                return null;
            }
            if (sequence.getValue().size() > MAX_TAGS) {
                yaml.problem(node, field, "has " + sequence.getValue().size() + " tags, more than " + MAX_TAGS);
                return null;
            }
            List<String> tags = new ArrayList<>();
            boolean valid = true;
            for (int i = 0; i < sequence.getValue().size(); i++) {
                Node item = sequence.getValue().get(i);
                String tag = yaml.freeText(item, field + "[" + i + "]", MAX_TAG);
                if (tag == null) {
                    valid = false;
                } else if (tags.contains(tag)) {
                    yaml.problem(item, field + "[" + i + "]", "tag '" + tag + "' is listed twice");
                    valid = false;
                } else {
                    tags.add(tag);
                }
            }
            return valid ? tags : null;
        }

        private Boolean flag(Node node, String field) {
            String text = yaml.text(node, field);
            if (text == null) {
                return null;
            }
            if (!text.equals("true") && !text.equals("false")) {
                yaml.problem(node, field, "must be true or false, not '" + ConfigYaml.shown(text) + "'");
                return null;
            }
            return Boolean.valueOf(text);
        }

        private boolean required(Map<String, NodeTuple> fields, MappingNode entry, String path, String key, String hint) {
            if (fields.containsKey(key)) {
                return true;
            }
            yaml.problem(entry, path + "." + key, "missing: " + hint);
            return false;
        }

        private static Node value(Map<String, NodeTuple> fields, String key) {
            return fields.get(key).getValueNode();
        }
    }
}
