package dev.posbench.emulator;

import dev.posbench.channel.IsoMessage;
import dev.posbench.channel.MessageMac;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/** The json-http dialect: the message as JSON in an HTTP POST, field 64 an HMAC ({@link MessageMac}). */
final class HttpWire implements Wire {

    private final URI bank;
    private final String macKeyHex;
    private HttpClient inFlight;

    HttpWire(URI bank, String macKeyHex) {
        if (bank.getScheme() == null || !bank.getScheme().matches("https?") || bank.getHost() == null) {
            throw new IllegalArgumentException("the bank URL must be an absolute http(s) URL, not " + bank);
        }
        this.bank = bank;
        this.macKeyHex = macKeyHex;
    }

    /**
     * Each exchange has a connection of its own, as a terminal dialling its acquirer per message
     * does: no pooled connection that the bank may have closed in between turns into a false
     * communication error.
     */
    @Override
    public void send(long id, IsoMessage unsigned, Duration connectTimeout, Consumer<Input> post) {
        IsoMessage request = MessageMac.sign(unsigned, macKeyHex);
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .build();
        inFlight = client;
        HttpRequest http = HttpRequest.newBuilder(bank)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request.toJson(), StandardCharsets.UTF_8))
                .build();
        client.sendAsync(http, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .whenComplete((response, failure) -> post.accept(failure == null
                        ? new Input.HostAnswered(id, answer(response))
                        : new Input.HostFailed(id, failure)));
    }

    private Answer answer(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            return new Answer.Unreadable("HTTP status " + response.statusCode());
        }
        try {
            IsoMessage answer = IsoMessage.parse(response.body());
            return new Answer.Message(answer, MessageMac.verify(answer, macKeyHex));
        } catch (IsoMessage.MalformedMessageException e) {
            return new Answer.Unreadable(e.getMessage());
        }
    }

    @Override
    public void abort() {
        if (inFlight != null) {
            inFlight.shutdownNow();
            inFlight = null;
        }
    }
}
