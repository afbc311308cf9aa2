Feature: Reaching the host
  An authorization left without a definitive answer is reversed; the terminal never approves
  what the bank did not approve in time.

  @HC-01
  Scenario: the bank does not answer within the terminal's timeout
    Given the bank does not answer
    When the cardholder pays 66.00 by swiping card "stripe-unionpay" with the right PIN
    Then the terminal shows COMM_TIMEOUT
    And the bank received a reversal with reason "98"
    And the terminal never showed APPROVED
