package dev.posbench.emulator;

import java.util.Locale;

/**
 * One display text, in Chinese and English; the serial console prints it as
 * {@code DISP <zh> / <en>}. The English part is what terminal profiles match.
 */
record Screen(String zh, String en) {

    static final Screen IDLE = new Screen("欢迎使用", "WELCOME");
    static final Screen ENTER_PIN = new Screen("请输入密码", "ENTER PIN");
    static final Screen PROCESSING = new Screen("处理中", "PROCESSING");
    static final Screen REMOVE_CARD = new Screen("请取卡", "REMOVE CARD");
    static final Screen APPROVED = new Screen("交易成功", "APPROVED");
    static final Screen READ_ERROR = new Screen("读卡失败,请重刷", "READ ERROR SWIPE AGAIN");
    static final Screen INSERT_CHIP = new Screen("请使用芯片", "INSERT CHIP CARD");
    static final Screen FALLBACK_NOT_ALLOWED = new Screen("请使用芯片,不允许降级", "FALLBACK NOT ALLOWED");
    static final Screen CHIP_ERROR = new Screen("芯片读取失败,请重试", "CHIP ERROR TRY AGAIN");
    static final Screen SWIPE_CARD = new Screen("请刷卡", "SWIPE CARD");
    static final Screen CARD_REMOVED = new Screen("卡片已拔出", "CARD REMOVED");
    static final Screen CARD_NOT_SUPPORTED = new Screen("不支持此卡", "CARD NOT SUPPORTED");
    static final Screen CARD_EXPIRED = new Screen("过期卡", "CARD EXPIRED");
    static final Screen INVALID_CARD = new Screen("无效卡号", "INVALID CARD");
    static final Screen INCORRECT_PIN = new Screen("密码错", "INCORRECT PIN");
    static final Screen PIN_TRIES_EXCEEDED = new Screen("密码错误次数超限", "PIN TRIES EXCEEDED");
    static final Screen PIN_BLOCKED = new Screen("密码已锁", "PIN BLOCKED");
    static final Screen TIMEOUT = new Screen("操作超时", "TIMEOUT");
    static final Screen CANCELLED = new Screen("交易取消", "CANCELLED");
    static final Screen ENTER_OTP = new Screen("请输入短信验证码", "ENTER SMS CODE");
    static final Screen OTP_INCORRECT = new Screen("验证码错误", "SMS CODE INCORRECT");
    static final Screen INSERT_AND_PIN = new Screen("请插卡并输入密码", "INSERT CARD AND ENTER PIN");
    static final Screen VERIFY_AT_BANK = new Screen("请持卡人到银行核实身份", "VERIFY IDENTITY AT BANK");
    static final Screen CARDHOLDER_AUTH_FAILED = new Screen("持卡人认证失败", "CARDHOLDER AUTH FAILED");
    static final Screen TERMINAL_NOT_REGISTERED = new Screen("终端未登记", "TERMINAL NOT REGISTERED");
    static final Screen LOST_CARD = new Screen("挂失卡,请没收", "LOST CARD PICK UP");
    static final Screen STOLEN_CARD = new Screen("被窃卡,请没收", "STOLEN CARD PICK UP");
    static final Screen RESTRICTED_CARD = new Screen("受限制的卡", "RESTRICTED CARD");
    static final Screen NOT_PERMITTED = new Screen("不允许此卡交易", "NOT PERMITTED FOR CARD");
    static final Screen NOT_PERMITTED_HERE = new Screen("该卡不能在本终端交易", "NOT PERMITTED AT TERMINAL");
    static final Screen LIMIT_EXCEEDED = new Screen("交易金额超限", "AMOUNT LIMIT EXCEEDED");
    static final Screen FREQUENCY_EXCEEDED = new Screen("超出消费次数限制", "FREQUENCY LIMIT EXCEEDED");
    static final Screen SUSPECTED_FRAUD = new Screen("卡片校验错", "CARD CHECK FAILED");
    static final Screen CARD_NOT_ACTIVE = new Screen("该卡未初始化或睡眠卡", "CARD NOT ACTIVE");
    static final Screen ACCOUNT_CLOSED = new Screen("账户已销户", "ACCOUNT CLOSED");
    static final Screen TRANSACTION_FAILED = new Screen("交易失败", "TRANSACTION FAILED");
    static final Screen INSUFFICIENT_FUNDS = new Screen("余额不足", "INSUFFICIENT FUNDS");
    static final Screen COMM_TIMEOUT = new Screen("通讯超时", "COMMUNICATION TIMEOUT");
    static final Screen HOST_UNREACHABLE = new Screen("连接主机失败", "HOST UNREACHABLE");
    static final Screen COMM_ERROR = new Screen("通讯错误", "COMMUNICATION ERROR");
    static final Screen ISSUER_UNAVAILABLE = new Screen("发卡方不可用,请稍后再试", "ISSUER UNAVAILABLE TRY LATER");
    static final Screen SYSTEM_BUSY = new Screen("系统忙,请稍后", "SYSTEM BUSY TRY LATER");
    static final Screen SIGN_ON_REQUIRED = new Screen("请重新签到", "SIGN ON REQUIRED");

    static Screen presentCard(long amount) {
        String a = amountText(amount);
        return new Screen("请刷卡/插卡/挥卡 金额 ¥" + a, "PRESENT CARD AMOUNT " + a);
    }

    static Screen incorrectPin(int triesLeft) {
        return new Screen("密码错,剩余" + triesLeft + "次",
                "INCORRECT PIN " + triesLeft + (triesLeft == 1 ? " TRY LEFT" : " TRIES LEFT"));
    }

    /** What the display shows while PIN digits are typed: one star per digit, never the digit. */
    static Screen pinStars(int digits) {
        String stars = "*".repeat(digits);
        return new Screen("密码: " + stars, "PIN: " + stars);
    }

    /** The {@link Defect#PIN_ON_DISPLAY} variant: the digits themselves. */
    static Screen pinEchoed(String digits) {
        return new Screen("密码: " + digits, "PIN: " + digits);
    }

    static Screen codeStars(int digits) {
        String stars = "*".repeat(digits);
        return new Screen("验证码: " + stars, "CODE: " + stars);
    }

    /** The text for a decline (any field 39 but 00); unknown codes get the generic failure, never success. */
    static Screen decline(String responseCode) {
        return switch (responseCode.toUpperCase(Locale.ROOT)) {
            case "55" -> INCORRECT_PIN;
            case "75" -> PIN_TRIES_EXCEEDED;
            case "05" -> CARDHOLDER_AUTH_FAILED;
            case "03", "97" -> TERMINAL_NOT_REGISTERED;
            case "54" -> CARD_EXPIRED;
            case "41" -> LOST_CARD;
            case "43" -> STOLEN_CARD;
            case "62" -> RESTRICTED_CARD;
            case "57" -> NOT_PERMITTED;
            case "58" -> NOT_PERMITTED_HERE;
            case "61" -> LIMIT_EXCEEDED;
            case "65" -> FREQUENCY_EXCEEDED;
            case "59" -> SUSPECTED_FRAUD;
            case "14", "15" -> INVALID_CARD;
            case "78", "21" -> CARD_NOT_ACTIVE;
            case "46" -> ACCOUNT_CLOSED;
            case "51" -> INSUFFICIENT_FUNDS;
            case "91", "92", "98" -> ISSUER_UNAVAILABLE;
            case "96", "90" -> SYSTEM_BUSY;
            case "A0", "99" -> SIGN_ON_REQUIRED;
            default -> TRANSACTION_FAILED;
        };
    }

    static String amountText(long amount) {
        return "%d.%02d".formatted(amount / 100, amount % 100);
    }

    String line() {
        return "DISP " + zh + " / " + en;
    }
}
