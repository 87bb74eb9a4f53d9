package io.annexa.ingestion.ssh;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * Accepts a server's key only when the host's {@code known_hosts} file lists that key for the host's name and port;
 * an unknown or a changed key is refused and the reason kept for the report. Nothing is ever written to the file: a
 * key is pinned by the operator, never learned on first use. Hashed names, {@code [name]:port}, wildcards and
 * {@code @revoked} are understood as OpenSSH does; {@code @cert-authority} lines are not used (no certificates here).
 *
 * <p>The name looked up is the one the inventory gives, not the address connected to, so a host reached through a
 * jump host (connected to on a local forwarded port) is still checked under its own name.
 */
final class PinnedHostKeys implements ServerKeyVerifier {

    /** The pinned keys, the name and port to look up, and where to leave the reason of a refusal. */
    record Pin(Path knownHosts, String name, int port, AtomicReference<String> refusal) {
    }

    static final AttributeKey<Pin> PIN = new AttributeKey<>();

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        AttributeRepository context = session.getConnectionContext();
        Pin pin = context == null ? null : context.getAttribute(PIN);
        if (pin == null) {
            // a session opened without a pin (none is) is refused rather than trusted
            return false;
        }
        String shown = pin.port() == 22 ? pin.name() : "[" + pin.name() + "]:" + pin.port();
        String fingerprint = KeyUtils.getKeyType(serverKey) + " " + KeyUtils.getFingerPrint(serverKey);
        List<KnownHostEntry> entries;
        try {
            entries = KnownHostEntry.readKnownHostEntries(pin.knownHosts());
        } catch (IOException | RuntimeException e) {
            pin.refusal().set("host key not checked: known_hosts file " + pin.knownHosts() + " cannot be read (" + e.getMessage() + ")");
            return false;
        }
        boolean listed = false;
        for (KnownHostEntry entry : entries) {
            if (!entry.isHostMatch(pin.name(), pin.port()) || "cert-authority".equals(entry.getMarker())) {
                continue;
            }
            PublicKey pinned;
            try {
                pinned = entry.getKeyEntry().resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                continue;
            }
            if (pinned == null) {
                continue;
            }
            boolean same = KeyUtils.compareKeys(pinned, serverKey);
            if ("revoked".equals(entry.getMarker())) {
                if (same) {
                    pin.refusal().set("host key refused: " + shown + " presented " + fingerprint + ", which " + pin.knownHosts()
                            + " marks @revoked");
                    return false;
                }
                continue;
            }
            listed = true;
            if (same) {
                return true;
            }
        }
        pin.refusal().set(listed
                ? "host key changed: " + shown + " presented " + fingerprint + ", which is not the key pinned for it in "
                        + pin.knownHosts() + " (a reinstalled host, or someone in between); refused"
                : "host key unknown: " + shown + " presented " + fingerprint + " and " + pin.knownHosts()
                        + " pins no key for it; refused (add the host's key to the file after checking it)");
        return false;
    }
}
