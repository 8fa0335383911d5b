package io.tollgate.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebhookTargetsTest {

    /** A resolver seam: names map to the addresses a test gives them; anything else does not resolve. */
    private final Map<String, List<String>> dns = new HashMap<>();
    private final WebhookTargets targets = WebhookTargets.publicOnly(host -> {
        if (host.matches("[0-9.]+|.*:.*")) {
            return List.of(InetAddress.getByName(host.contains(":") ? "[" + host + "]" : host));
        }
        List<String> answers = dns.get(host);
        if (answers == null) {
            throw new UnknownHostException(host);
        }
        List<InetAddress> out = new java.util.ArrayList<>();
        for (String answer : answers) {
            out.add(InetAddress.getByName(answer));
        }
        return out;
    });

    @Test
    void checkConfiguredWhenHostResolvesToPublicAddressesThenAccepted() {
        dns.put("siem.bank.example", List.of("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"));
        assertEquals(Optional.empty(), targets.checkConfigured(URI.create("https://siem.bank.example/hooks/x?token=s3cret")));
        assertEquals(Optional.empty(), targets.checkBeforeSend(URI.create("https://siem.bank.example/hooks/x")));
    }

    @Test
    void checkConfiguredWhenLoopbackLinkLocalOrPrivateLiteralThenRefused() {
        for (String url : List.of("http://127.0.0.1:8080/x", "http://localhost/x", "https://[::1]/x",
                "https://169.254.169.254/latest/meta-data", "https://10.0.0.5/", "https://172.16.3.4/",
                "https://192.168.1.1/", "https://100.64.0.1/", "https://0.0.0.0/", "https://[fd00::1]/",
                "https://[fe80::1]/", "https://[::ffff:10.0.0.1]/", "https://[2002:a00:1::]/", "https://224.0.0.1/")) {
            dns.put("localhost", List.of("127.0.0.1"));
            assertEquals(Optional.of(WebhookTargets.Refusal.NOT_PUBLIC), targets.checkConfigured(URI.create(url)), url);
        }
    }

    @Test
    void checkConfiguredWhenNameResolvesToAnyPrivateAddressThenRefused() {
        dns.put("metadata.evil.example", List.of("169.254.169.254"));
        dns.put("mixed.evil.example", List.of("93.184.216.34", "10.1.2.3"));
        dns.put("rtl.evil.example", List.of("fc00::5"));
        for (String host : List.of("metadata.evil.example", "mixed.evil.example", "rtl.evil.example")) {
            assertEquals(Optional.of(WebhookTargets.Refusal.NOT_PUBLIC),
                    targets.checkConfigured(URI.create("https://" + host + "/hook")), host);
        }
    }

    @Test
    void checkBeforeSendWhenNameNowResolvesPrivatelyThenRefused() {
        URI hook = URI.create("https://rebind.evil.example/hook");
        dns.put("rebind.evil.example", List.of("93.184.216.34"));
        assertEquals(Optional.empty(), targets.checkConfigured(hook), "public when it was set");
        dns.put("rebind.evil.example", List.of("127.0.0.1"));
        assertEquals(Optional.of(WebhookTargets.Refusal.NOT_PUBLIC), targets.checkBeforeSend(hook), "private when sent");
    }

    @Test
    void checkWhenNameDoesNotResolveThenAcceptedWhenSetAndRefusedWhenSent() {
        URI hook = URI.create("https://not-yet.bank.example/hook");
        assertEquals(Optional.empty(), targets.checkConfigured(hook));
        assertEquals(Optional.of(WebhookTargets.Refusal.UNRESOLVED), targets.checkBeforeSend(hook));
    }

    @Test
    void anyAddressWhenLocalRuntimeThenLoopbackAccepted() {
        assertEquals(Optional.empty(), WebhookTargets.anyAddress().checkConfigured(URI.create("http://127.0.0.1:9000/x")));
        assertEquals(Optional.empty(), WebhookTargets.anyAddress().checkBeforeSend(URI.create("http://127.0.0.1:9000/x")));
    }

    @Test
    void isPublicWhenSpecialPurposeRangesThenFalseAndPublicThenTrue() throws Exception {
        for (String address : List.of("127.0.0.1", "10.255.255.255", "172.31.0.1", "192.168.0.1", "169.254.0.1",
                "100.127.255.255", "0.1.2.3", "192.0.0.8", "198.18.0.1", "255.255.255.255", "::", "::1", "fe80::1",
                "fc00::1", "64:ff9b::a00:1", "2001:db8::1")) {
            assertFalse(WebhookTargets.isPublic(InetAddress.getByName(address)), address);
        }
        for (String address : List.of("93.184.216.34", "100.128.0.1", "172.32.0.1", "2606:2800:220:1::1",
                "64:ff9b::5db8:d822")) {
            assertTrue(WebhookTargets.isPublic(InetAddress.getByName(address)), address);
        }
    }
}
