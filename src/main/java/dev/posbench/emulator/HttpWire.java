package dev.posbench.emulator;

import dev.posbench.channel.IsoMessage;
import dev.posbench.channel.MessageMac;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The json-http dialect: the message as JSON in an HTTP POST, field 64 an HMAC ({@link MessageMac}).
 * {@link HttpURLConnection} rather than {@code java.net.http.HttpClient}: the client sets up TLS
 * when it is first built, even for plain HTTP, which costs a terminal that boots on every power
 * cycle a third of a second of CPU.
 */
final class HttpWire implements Wire {

    private final URI bank;
    private final String macKeyHex;
    private volatile HttpURLConnection inFlight;

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
     * communication error. The firmware's own timer ends a wait for the answer ({@link #abort}).
     */
    @Override
    public void send(long id, IsoMessage unsigned, Duration connectTimeout, Consumer<Input> post) {
        byte[] body = MessageMac.sign(unsigned, macKeyHex).toJson().getBytes(StandardCharsets.UTF_8);
        HttpURLConnection http;
        try {
            http = (HttpURLConnection) bank.toURL().openConnection();
        } catch (IOException e) {
            post.accept(new Input.HostFailed(id, e));
            return;
        }
        http.setConnectTimeout((int) Math.max(1, connectTimeout.toMillis()));
        http.setUseCaches(false);
        http.setDoOutput(true);
        http.setFixedLengthStreamingMode(body.length);
        http.setRequestProperty("Content-Type", "application/json");
        http.setRequestProperty("Connection", "close");
        inFlight = http;
        Thread.ofVirtual().name("terminal-host-" + id).start(() -> {
            try {
                try (OutputStream out = http.getOutputStream()) {
                    out.write(body);
                }
                int status = http.getResponseCode();
                InputStream in = status >= 400 ? http.getErrorStream() : http.getInputStream();
                String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                post.accept(new Input.HostAnswered(id, answer(status, text)));
            } catch (IOException e) {
                post.accept(new Input.HostFailed(id, e));
            } finally {
                http.disconnect();
            }
        });
    }

    private Answer answer(int status, String body) {
        if (status != 200) {
            return new Answer.Unreadable("HTTP status " + status);
        }
        try {
            IsoMessage answer = IsoMessage.parse(body);
            return new Answer.Message(answer, MessageMac.verify(answer, macKeyHex));
        } catch (IsoMessage.MalformedMessageException e) {
            return new Answer.Unreadable(e.getMessage());
        }
    }

    @Override
    public void abort() {
        HttpURLConnection http = inFlight;
        if (http != null) {
            http.disconnect();
            inFlight = null;
        }
    }
}
