package io.tollgate.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which hosts Tollgate may call with a tenant-configured URL (SIEM webhooks, ADR 0042): only
 * public addresses, so a tenant administrator cannot aim Tollgate's requests at its own network
 * (loopback, link-local and the instance metadata address 169.254.169.254, private ranges,
 * carrier-grade NAT, unique-local IPv6, ...). A host name is checked by what it resolves to, when
 * the URL is set and again before every send (a name may be re-pointed at a private address
 * later, DNS rebinding). The JVM caches a successful look-up (30 s by default), so the send
 * connects to the addresses just checked unless the cache expires in between.
 *
 * <p>The local runtime allows every address ({@link #anyAddress()}): its fake SIEM receivers
 * listen on 127.0.0.1.
 */
public final class WebhookTargets {

    /** Resolves a host name to its addresses; tests pass their own. */
    @FunctionalInterface
    public interface Resolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;

        static Resolver system() {
            return host -> List.of(InetAddress.getAllByName(host));
        }
    }

    /** Why a target was refused (never the URL: it may carry a token). */
    public enum Refusal {
        /** The host is, or resolves to, a non-public address. */
        NOT_PUBLIC,
        /** The host does not resolve (at send time). */
        UNRESOLVED
    }

    private final Resolver resolver;
    private final boolean anyAddress;

    private WebhookTargets(Resolver resolver, boolean anyAddress) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.anyAddress = anyAddress;
    }

    /** Outside the local runtime: public addresses only. */
    public static WebhookTargets publicOnly(Resolver resolver) {
        return new WebhookTargets(resolver, false);
    }

    /** The local runtime's setting: every address, loopback included. */
    public static WebhookTargets anyAddress() {
        return new WebhookTargets(Resolver.system(), true);
    }

    /**
     * When a URL is configured: the refusal, or empty when it may be stored. A name that does not
     * resolve yet is accepted (it is checked again before every send).
     */
    public Optional<Refusal> checkConfigured(URI url) {
        Optional<Refusal> refusal = check(url);
        return refusal.filter(r -> r != Refusal.UNRESOLVED);
    }

    /** Before a send: the refusal, or empty when every address the host resolves to now is public. */
    public Optional<Refusal> checkBeforeSend(URI url) {
        return check(url);
    }

    private Optional<Refusal> check(URI url) {
        if (anyAddress) {
            return Optional.empty();
        }
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            return Optional.of(Refusal.NOT_PUBLIC);
        }
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            return Optional.of(Refusal.UNRESOLVED);
        }
        if (addresses.isEmpty()) {
            return Optional.of(Refusal.UNRESOLVED);
        }
        return addresses.stream().allMatch(WebhookTargets::isPublic) ? Optional.empty()
                : Optional.of(Refusal.NOT_PUBLIC);
    }

    /** False for every special-purpose range a request must not reach (RFC 6890 and its IPv6 peers). */
    public static boolean isPublic(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first != 0                                           // "this network"
                    && !(first == 100 && second >= 64 && second < 128)  // carrier-grade NAT
                    && !(first == 192 && second == 0 && (b[2] & 0xff) == 0) // IETF protocol assignments
                    && !(first == 198 && (second == 18 || second == 19)) // benchmarking
                    && first < 224;                                      // multicast, reserved, broadcast
        }
        if (address instanceof Inet6Address) {
            int first = b[0] & 0xff;
            if ((first & 0xfe) == 0xfc) {
                return false;                                            // unique local fc00::/7
            }
            if (isZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff || isZero(b, 0, 12)) {
                return isPublic(embeddedIpv4(b, 12));                    // IPv4-mapped or -compatible
            }
            if (first == 0x20 && (b[1] & 0xff) == 0x02) {
                return isPublic(embeddedIpv4(b, 2));                     // 6to4 2002::/16
            }
            if (first == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
                return isPublic(embeddedIpv4(b, 12));                    // NAT64 64:ff9b::/96
            }
            return !(first == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8);
        }
        return false;
    }

    private static boolean isZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress embeddedIpv4(byte[] bytes, int offset) {
        try {
            return InetAddress.getByAddress(new byte[] {bytes[offset], bytes[offset + 1], bytes[offset + 2],
                    bytes[offset + 3]});
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
