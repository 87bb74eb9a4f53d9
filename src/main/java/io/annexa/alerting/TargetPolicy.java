package io.annexa.alerting;

import java.net.InetAddress;

/** Stand-in of the routing branch's policy: refuses loopback, link-local and private addresses unless allowed. */
public final class TargetPolicy {

    private final boolean allowPrivate;

    public TargetPolicy(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    public boolean allows(InetAddress address) {
        return allowPrivate || !(address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
                || address.isAnyLocalAddress());
    }
}
