package io.tollgate.lockout;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * The network a client's failures are counted against (ADR 0057): an IPv4 address by itself, an
 * IPv6 address by its /64 (one customer's subnet hands out 2^64 addresses, so counting single
 * IPv6 addresses would let one attacker rotate around every limit). An IPv4-mapped IPv6 address
 * counts as its IPv4 address. Anything that is not an IP literal is counted as given.
 */
public final class ClientNetwork {

    /** Only IP literals reach {@link InetAddress}, so nothing here ever asks DNS. */
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private ClientNetwork() {
    }

    /** {@code 203.0.113.7} for IPv4, {@code 2001:db8:1:2::/64} (canonical, lower case) for IPv6. */
    public static String of(String sourceIp) {
        boolean v4 = sourceIp != null && IPV4.matcher(sourceIp).matches();
        if (sourceIp == null || sourceIp.length() > 45 || !v4 && !IPV6.matcher(sourceIp).matches()) {
            return sourceIp;
        }
        InetAddress address;
        try {
            // A bracketed IPv6 literal is parsed, never looked up.
            address = InetAddress.getByName(v4 ? sourceIp : "[" + sourceIp + "]");
        } catch (UnknownHostException | IllegalArgumentException notALiteral) {
            return sourceIp;
        }
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        if (!(address instanceof Inet6Address)) {
            return sourceIp;
        }
        byte[] bytes = address.getAddress();
        StringBuilder prefix = new StringBuilder();
        for (int group = 0; group < 4; group++) {
            int value = ((bytes[2 * group] & 0xff) << 8) | (bytes[2 * group + 1] & 0xff);
            prefix.append(Integer.toHexString(value)).append(':');
        }
        return prefix.append(":/64").toString();
    }
}
