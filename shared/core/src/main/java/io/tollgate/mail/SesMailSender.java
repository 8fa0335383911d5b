package io.tollgate.mail;

import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;

/**
 * {@link MailSender} over the SES v2 {@code SendEmail} API with simple (subject + text) content,
 * from one configured address. IAM: {@code ses:SendEmail} on that identity only, with a
 * {@code ses:FromAddress} condition (template.yaml).
 */
public final class SesMailSender implements MailSender {

    private final SesV2Client ses;
    private final String from;

    /**
     * @param ses  a client created once per container
     * @param from the verified sender address
     */
    public SesMailSender(SesV2Client ses, String from) {
        this.ses = Objects.requireNonNull(ses, "ses");
        this.from = Objects.requireNonNull(from, "from");
    }

    @Override
    public void send(MailMessage message) {
        try {
            ses.sendEmail(request -> request
                    .fromEmailAddress(from)
                    .destination(d -> d.toAddresses(message.to()))
                    .content(c -> c.simple(s -> s
                            .subject(t -> t.data(message.subject()).charset("UTF-8"))
                            .body(b -> b.text(t -> t.data(message.text()).charset("UTF-8"))))));
        } catch (SdkException e) {
            String code = e instanceof SesV2Exception ses && ses.awsErrorDetails() != null
                    ? ses.awsErrorDetails().errorCode() : e.getClass().getSimpleName();
            throw new MailUnavailableException("SES SendEmail failed (" + code + ")", e);
        }
    }

    @Override
    public String toString() {
        return "SesMailSender[from=" + from + "]";
    }
}
