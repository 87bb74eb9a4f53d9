package io.annexa.cluster;

import static io.annexa.cluster.FactField.duration;
import static io.annexa.cluster.FactField.flag;
import static io.annexa.cluster.FactField.instant;
import static io.annexa.cluster.FactField.optionalInstant;
import static io.annexa.cluster.FactField.optionalText;
import static io.annexa.cluster.FactField.optionalWholeNumber;
import static io.annexa.cluster.FactField.text;
import static io.annexa.cluster.FactField.textList;
import static io.annexa.cluster.FactField.textMap;
import static io.annexa.cluster.FactField.wholeNumber;
import static io.annexa.cluster.FactType.event;
import static io.annexa.cluster.FactType.fact;

import io.annexa.evidence.Account;
import io.annexa.evidence.CheckResult;
import io.annexa.evidence.CollectionFailed;
import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.evidence.InventoryItem;
import io.annexa.evidence.LogEvent;
import io.annexa.evidence.SourceSilent;
import io.annexa.evidence.TlsEndpoint;
import io.annexa.evidence.UnresolvedInclude;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every type of fact a record may carry, and nothing else: what the sources hand to an
 * {@link io.annexa.evidence.EvidenceSink}. A new fact type a source hands over is added here, or cluster mode refuses
 * to publish it.
 *
 * <p>Left out on purpose: {@code BaselineValue} and {@code RuleParameter} (the engine reads them from its own
 * configuration; no source hands them over, and a baseline's globs from the network would be patterns an attacker
 * writes), {@code Asset} (no source hands it over).
 */
final class FactTypes {

    static final List<FactType<?>> ALL = List.of(
            fact("ConfigFile", ConfigFile.class,
                    v -> new ConfigFile(v.text("asset"), v.text("source"), v.text("file"), v.instant("observedAt")),
                    text("asset", ConfigFile::getAsset), text("source", ConfigFile::getSource),
                    text("file", ConfigFile::getFile), instant("observedAt", ConfigFile::getObservedAt)),
            fact("ConfigEntry", ConfigEntry.class,
                    v -> new ConfigEntry(v.text("asset"), v.text("source"), v.text("file"), v.wholeNumber("line"),
                            v.text("key"), v.text("value"), v.text("scope"), v.instant("observedAt")),
                    text("asset", ConfigEntry::getAsset), text("source", ConfigEntry::getSource),
                    text("file", ConfigEntry::getFile), wholeNumber("line", ConfigEntry::getLine),
                    text("key", ConfigEntry::getKey), text("value", ConfigEntry::getValue),
                    text("scope", ConfigEntry::getScope), instant("observedAt", ConfigEntry::getObservedAt)),
            fact("UnresolvedInclude", UnresolvedInclude.class,
                    v -> new UnresolvedInclude(v.text("asset"), v.text("source"), v.text("file"), v.wholeNumber("line"),
                            v.text("pattern"), v.text("reason"), v.instant("observedAt")),
                    text("asset", UnresolvedInclude::getAsset), text("source", UnresolvedInclude::getSource),
                    text("file", UnresolvedInclude::getFile), wholeNumber("line", UnresolvedInclude::getLine),
                    text("pattern", UnresolvedInclude::getPattern), text("reason", UnresolvedInclude::getReason),
                    instant("observedAt", UnresolvedInclude::getObservedAt)),
            fact("CheckResult", CheckResult.class,
                    v -> new CheckResult(v.text("asset"), v.text("source"), v.text("file"), v.text("ruleId"),
                            v.text("title"), v.text("severity"), v.text("result"), v.textList("controls"),
                            v.textList("references2013"), v.instant("checkedAt")),
                    text("asset", CheckResult::asset), text("source", CheckResult::source),
                    optionalText("file", CheckResult::file), text("ruleId", CheckResult::ruleId),
                    text("title", CheckResult::title), text("severity", CheckResult::severity),
                    text("result", CheckResult::result), textList("controls", CheckResult::controls),
                    textList("references2013", CheckResult::references2013), instant("checkedAt", CheckResult::checkedAt)),
            fact("Account", Account.class,
                    v -> new Account(v.text("asset"), v.text("source"), v.text("user"), v.flag("enabled"),
                            v.flag("privileged"), v.instant("lastLogin"), v.text("owner"), v.wholeNumber("uid"),
                            v.instant("observedAt")),
                    text("asset", Account::asset), text("source", Account::source), text("user", Account::user),
                    flag("enabled", Account::enabled), flag("privileged", Account::privileged),
                    optionalInstant("lastLogin", Account::lastLogin), text("owner", Account::owner),
                    optionalWholeNumber("uid", Account::uid), instant("observedAt", Account::observedAt)),
            fact("InventoryItem", InventoryItem.class,
                    v -> new InventoryItem(v.text("asset"), v.text("source"), v.text("kind"), v.text("id"),
                            v.textMap("attributes"), v.instant("observedAt")),
                    text("asset", InventoryItem::asset), text("source", InventoryItem::source),
                    text("kind", InventoryItem::kind), text("id", InventoryItem::id),
                    textMap("attributes", InventoryItem::attributes), instant("observedAt", InventoryItem::observedAt)),
            fact("TlsEndpoint", TlsEndpoint.class,
                    v -> new TlsEndpoint(v.text("asset"), v.text("source"), v.text("host"), v.wholeNumber("port"),
                            v.textList("protocols"), v.text("negotiatedProtocol"), v.text("cipherSuite"),
                            v.text("subject"), v.text("issuer"), v.instant("notBefore"), v.instant("notAfter"),
                            v.text("keyType"), v.wholeNumber("keySize"), v.text("signatureAlgorithm"),
                            v.flag("selfSigned"), v.text("error"), v.instant("observedAt")),
                    text("asset", TlsEndpoint::asset), text("source", TlsEndpoint::source), text("host", TlsEndpoint::host),
                    wholeNumber("port", TlsEndpoint::port), textList("protocols", TlsEndpoint::protocols),
                    text("negotiatedProtocol", TlsEndpoint::negotiatedProtocol),
                    text("cipherSuite", TlsEndpoint::cipherSuite), text("subject", TlsEndpoint::subject),
                    text("issuer", TlsEndpoint::issuer), optionalInstant("notBefore", TlsEndpoint::notBefore),
                    optionalInstant("notAfter", TlsEndpoint::notAfter), text("keyType", TlsEndpoint::keyType),
                    wholeNumber("keySize", TlsEndpoint::keySize),
                    text("signatureAlgorithm", TlsEndpoint::signatureAlgorithm),
                    flag("selfSigned", TlsEndpoint::selfSigned), text("error", TlsEndpoint::error),
                    instant("observedAt", TlsEndpoint::observedAt)),
            fact("CollectionFailed", CollectionFailed.class,
                    v -> new CollectionFailed(v.text("asset"), v.text("reason"), v.instant("since"),
                            v.instant("lastSuccess"), v.duration("expectedInterval"), v.instant("checkedAt")),
                    text("asset", CollectionFailed::asset), optionalText("reason", CollectionFailed::reason),
                    instant("since", CollectionFailed::since), optionalInstant("lastSuccess", CollectionFailed::lastSuccess),
                    duration("expectedInterval", CollectionFailed::expectedInterval),
                    instant("checkedAt", CollectionFailed::checkedAt)),
            // its record has no checks of its own: what the engine's rules need is required here
            fact("SourceSilent", SourceSilent.class,
                    v -> new SourceSilent(v.text("routeId"), v.text("source"), v.duration("expectedInterval"),
                            v.instant("lastSuccess"), v.instant("since")),
                    text("routeId", SourceSilent::routeId), text("source", SourceSilent::source),
                    duration("expectedInterval", SourceSilent::expectedInterval),
                    optionalInstant("lastSuccess", SourceSilent::lastSuccess), instant("since", SourceSilent::since)),
            // through its constructor: attribute keys, kind, program and short values are shared, the attributes packed
            event("LogEvent", LogEvent.class,
                    v -> new LogEvent(v.text("asset"), v.instant("timestamp"), v.text("program"), v.text("kind"),
                            v.textMap("attributes"), v.text("raw"), v.wholeNumber("repeat")),
                    text("asset", LogEvent::getAsset), instant("timestamp", LogEvent::getTimestamp),
                    text("program", LogEvent::getProgram), text("kind", LogEvent::getKind),
                    textMap("attributes", LogEvent::getAttributes), text("raw", LogEvent::getRaw),
                    wholeNumber("repeat", LogEvent::getRepeat)));

    private static final Map<String, FactType<?>> BY_NAME = ALL.stream()
            .collect(Collectors.toUnmodifiableMap(FactType::name, Function.identity()));
    private static final Map<Class<?>, FactType<?>> BY_CLASS = ALL.stream()
            .collect(Collectors.toUnmodifiableMap(FactType::type, Function.identity()));
    private static final String NAMES = String.join(", ", ALL.stream().map(FactType::name).toList());

    private FactTypes() {
    }

    /** The type called {@code name} in records, or null. */
    static FactType<?> named(String name) {
        return BY_NAME.get(name);
    }

    /** The type of {@code fact} (exactly its class: the codable types are final), or null. */
    static FactType<?> of(Object fact) {
        return BY_CLASS.get(Objects.requireNonNull(fact).getClass());
    }

    /** The names of the codable types, for messages. */
    static String names() {
        return NAMES;
    }
}
