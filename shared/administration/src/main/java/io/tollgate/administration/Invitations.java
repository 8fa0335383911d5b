package io.tollgate.administration;

import io.tollgate.mail.MailMessage;
import io.tollgate.mail.MailSender;
import io.tollgate.password.PasswordChangeTickets;
import java.time.Instant;
import java.util.Objects;

/**
 * The set-password link of an invited user (ADR 0045): {@code <issuer>/set-password#token=<ticket>}.
 * The token travels in the fragment, so the page that receives it never sends it to a server in a
 * request line or a {@code Referer}; the page posts it to {@code POST /v1/auth/password/set}.
 */
public final class Invitations {

    private final PasswordChangeTickets tickets;
    private final MailSender mail;
    private final String issuer;

    /**
     * @param issuer the token issuer URL (docs/contract.md §Tokens and keys), where the set-password page is served
     */
    public Invitations(PasswordChangeTickets tickets, MailSender mail, String issuer) {
        this.tickets = Objects.requireNonNull(tickets, "tickets");
        this.mail = Objects.requireNonNull(mail, "mail");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
    }

    public PasswordChangeTickets tickets() {
        return tickets;
    }

    /** The link for {@code token}. */
    public String link(String token) {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        return base + "/set-password#token=" + token;
    }

    /** Mails the link; the caller decides what an unavailable mail service means. */
    public void send(String to, String username, String tenantName, String token, Instant expiresAt) {
        mail.send(new MailMessage(to, "You are invited to " + tenantName,
                "An administrator of " + tenantName + " created the account " + username + " for you.\n\n"
                        + "Choose your password here (the link works once, until " + expiresAt + "):\n"
                        + link(token) + "\n\n"
                        + "If you did not expect this, ignore this mail: without a password the account cannot be used.\n"));
    }
}
