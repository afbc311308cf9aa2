package dev.posbench.emulator;

import dev.posbench.channel.IsoFrames;
import dev.posbench.channel.IsoMessage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The iso8583-tcp dialect: one TCP connection per exchange, the message packed as the profile's
 * layout says, after its TPDU and header, field 64 the retail MAC over the packed message.
 */
final class IsoTcpWire implements Wire {

    private final InetSocketAddress bank;
    private final IsoFrames codec;
    private final String retailMacKeyHex;
    private volatile Socket inFlight;

    IsoTcpWire(URI bank, IsoFrames codec, String retailMacKeyHex) {
        if (!"tcp".equals(bank.getScheme()) || bank.getHost() == null || bank.getPort() < 0) {
            throw new IllegalArgumentException("the bank address must be tcp://host:port, not " + bank);
        }
        this.bank = new InetSocketAddress(bank.getHost(), bank.getPort());
        this.codec = codec;
        this.retailMacKeyHex = retailMacKeyHex;
    }

    @Override
    public void send(long id, IsoMessage unsigned, Duration connectTimeout, Consumer<Input> post) {
        byte[] body = codec.signed(codec.pack(codec.layout().prefix(), IsoFrames.withMacPlaceholder(unsigned)),
                retailMacKeyHex);
        Socket socket = new Socket();
        inFlight = socket;
        Thread.ofVirtual().name("terminal-host-" + id).start(() -> {
            try (socket) {
                socket.setTcpNoDelay(true);
                socket.connect(bank, (int) Math.max(1, connectTimeout.toMillis()));
                OutputStream out = socket.getOutputStream();
                out.write(codec.frame(body));
                out.flush();
                byte[] answer;
                try {
                    answer = codec.read(new BufferedInputStream(socket.getInputStream()));
                } catch (IsoFrames.BrokenFrame e) {
                    post.accept(new Input.HostAnswered(id, new Answer.Unreadable(e.getMessage())));
                    return;
                }
                post.accept(new Input.HostAnswered(id, unpack(answer)));
            } catch (IOException e) {
                post.accept(new Input.HostFailed(id, e));
            }
        });
    }

    private Answer unpack(byte[] body) {
        try {
            IsoMessage message = codec.unpack(body).message();
            return new Answer.Message(message, codec.macValid(body, message, retailMacKeyHex));
        } catch (IsoMessage.MalformedMessageException e) {
            return new Answer.Unreadable(e.getMessage());
        }
    }

    @Override
    public void abort() {
        Socket socket = inFlight;
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing is all abort wants
            }
            inFlight = null;
        }
    }
}
