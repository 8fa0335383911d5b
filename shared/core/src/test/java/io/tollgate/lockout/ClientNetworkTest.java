package io.tollgate.lockout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ClientNetworkTest {

    @Test
    void ofWhenIpv4ThenTheAddressItself() {
        assertEquals("203.0.113.7", ClientNetwork.of("203.0.113.7"));
        assertEquals("203.0.113.8", ClientNetwork.of("203.0.113.8"));
    }

    @Test
    void ofWhenIpv6ThenItsSlashSixtyFourWhateverTheSpelling() {
        assertEquals("2001:db8:1:2::/64", ClientNetwork.of("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
        assertEquals("2001:db8:1:2::/64", ClientNetwork.of("2001:DB8:0001:0002::1"));
        assertEquals("2001:db8:1:3::/64", ClientNetwork.of("2001:db8:1:3::1"));
        assertEquals("0:0:0:0::/64", ClientNetwork.of("::1"));
    }

    @Test
    void ofWhenIpv4MappedIpv6ThenTheIpv4Address() {
        assertEquals("192.0.2.1", ClientNetwork.of("::ffff:192.0.2.1"));
    }

    @Test
    void ofWhenNotAnIpLiteralThenCountedAsGivenWithoutAnyLookup() {
        assertEquals("cafe", ClientNetwork.of("cafe"));
        assertEquals("example.com", ClientNetwork.of("example.com"));
        assertEquals("1:2:3", ClientNetwork.of("1:2:3"));
        assertEquals("999.1.1.1", ClientNetwork.of("999.1.1.1"));
    }
}
