Feature: Reaching the host, and trusting its answer
  An authorization left without a definitive answer is reversed; the terminal never approves
  what the bank did not approve in time, and never trusts an answer it cannot verify.

  @HC-01
  Scenario: the bank does not answer within the terminal's timeout
    Given the bank does not answer
    When the cardholder pays 66.00 by swiping card "stripe-unionpay" with the right PIN
    Then the terminal shows COMM_TIMEOUT
    And the bank received a reversal with reason "98"
    And the terminal never showed APPROVED

  @HC-02
  Scenario: the bank refuses the connection, so nothing is owed
    Given the bank refuses connections
    When the cardholder pays 66.00 by swiping card "stripe-unionpay" with the right PIN
    Then the terminal shows HOST_UNREACHABLE
    And nothing reached the bank
    When the bank is back to normal
    And the cardholder pays 66.00 by swiping card "stripe-unionpay" with the right PIN
    Then the terminal shows APPROVED
    And the bank received no reversal

  @HC-03
  Scenario: the connection is reset after the request was sent
    Given the bank answers "reset"
    When the cardholder pays 66.00 by swiping card "stripe-unionpay" with the right PIN
    Then the terminal shows COMM_ERROR
    And the bank received a reversal
    And the terminal never showed APPROVED

  @HC-04
  Scenario: the answer is malformed
    Given the bank answers "malformed"
    When the cardholder pays 66.00 by swiping card "stripe-unionpay" with the right PIN
    Then the terminal shows COMM_ERROR
    And the bank received a reversal with reason "08"
    And the terminal never showed APPROVED

  @HC-05
  Scenario: the answer fails its MAC check
    Given the bank answers "bad-mac"
    When the cardholder pays 66.00 by swiping card "stripe-unionpay" with the right PIN
    Then the terminal shows COMM_ERROR
    And the bank received a reversal with reason "A0"
    And the terminal never showed APPROVED

  @HC-06
  Scenario Outline: the answer does not echo the request: <what>
    Given the bank answers "<answer>"
    When the cardholder pays 66.00 by swiping card "stripe-unionpay" with the right PIN
    Then the terminal shows COMM_ERROR
    And the bank received a reversal
    And the terminal never showed APPROVED

    Examples:
      | what                                | answer            |
      | another trace number                | no-echo           |
      | another terminal id                 | wrong-terminal-id |
      | another message type (0210)         | wrong-mti         |

  @HC-07
  Scenario Outline: the issuer or its link is unavailable (<code>)
    Given the bank answers "<code>"
    When the cardholder pays 66.00 by swiping card "stripe-unionpay" with the right PIN
    Then the terminal shows ISSUER_UNAVAILABLE
    And the bank received no reversal

    Examples:
      | code |
      | 91   |
      | 92   |
      | 98   |

  @HC-08
  Scenario Outline: the switch is busy or cutting over (<code>)
    Given the bank answers "<code>"
    When the cardholder pays 66.00 by swiping card "stripe-unionpay" with the right PIN
    Then the terminal shows SYSTEM_BUSY
    And the bank received no reversal

    Examples:
      | code |
      | 96   |
      | 90   |

  @HC-09
  Scenario Outline: the bank rejects the <what> (<code>), the terminal signs on and the retried purchase is approved
    Given the terminal can sign on
    And the bank answers "<answer>"
    When the cardholder pays 66.00 by swiping card "stripe-unionpay" with the right PIN
    Then the terminal shows SIGN_ON_REQUIRED
    And the bank received a sign-on
    And the terminal shows APPROVED
    And the bank received 2 authorizations

    Examples:
      | what       | code | answer              |
      | MAC        | A0   | sign-on-required    |
      | PIN format | 99   | sign-on-required-99 |

  @HC-09
  Scenario: the bank rejects the MAC and the sign-on fails, so the purchase is not sent again
    Given the terminal can sign on
    And the bank answers "sign-on-refused"
    When the cardholder pays 66.00 by swiping card "stripe-unionpay" with the right PIN
    Then the terminal shows SIGN_ON_REQUIRED
    And the bank received a sign-on
    And the bank received 1 authorization
    And the terminal never showed APPROVED

  @HC-09
  Scenario: the bank rejects the MAC, and a terminal that cannot sign on stops there
    Given the terminal cannot sign on
    And the bank answers "sign-on-required"
    When the cardholder pays 66.00 by swiping card "stripe-unionpay" with the right PIN
    Then the terminal shows SIGN_ON_REQUIRED
    And the bank received no sign-on
    And the bank received 1 authorization
    And the terminal never showed APPROVED

  @HC-10
  Scenario: the bank answers just inside the timeout
    Given the bank answers "slow-but-in-time"
    When the cardholder pays 66.00 by swiping card "stripe-unionpay" with the right PIN
    Then the terminal shows APPROVED
    And the bank received no reversal

  @HC-11
  Scenario: an unanswered reversal is retried, kept, and sent before the next transaction
    Given the bank answers "reversal-no-answer"
    When the cardholder pays 66.00 by swiping card "stripe-unionpay" with the right PIN
    Then the terminal shows COMM_TIMEOUT
    And the bank received every reversal attempt of the unanswered authorization
    When the bank is back to normal
    And the cardholder pays 66.00 by swiping card "stripe-unionpay" with the right PIN
    Then the first request the bank received was the reversal of the unanswered authorization
    And the terminal shows APPROVED

  @HC-11
  Scenario: a power cut while the bank holds the answer does not lose the reversal owed
    Given the bank does not answer
    When the cardholder pays 66.00 by swiping card "stripe-unionpay" with the right PIN
    And the bank has received the authorization
    And the terminal's power is cut and comes back
    And the bank is back to normal
    And the cardholder pays 12.00 by swiping card "stripe-unionpay" with the right PIN
    Then the first request the bank received was the reversal of the unanswered authorization
    And the terminal shows APPROVED
