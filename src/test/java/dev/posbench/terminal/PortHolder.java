package dev.posbench.terminal;

import com.fazecast.jSerialComm.SerialPort;

/** Another program holding a port, for {@link SerialLinkTest}: opens it, says so, keeps it until stdin closes. */
final class PortHolder {

    private PortHolder() {}

    public static void main(String[] args) throws Exception {
        SerialPort port = SerialPort.getCommPort(args[0]);
        System.out.println(port.openPort() ? "holding" : "failed " + port.getLastErrorCode());
        System.out.flush();
        while (System.in.read() >= 0) {
            // hold until the test closes our stdin
        }
        port.closePort();
    }
}
