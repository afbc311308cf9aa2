Feature: The issuer asks for more than a PIN
  Step-up authentication: an SMS code typed on the terminal, chip and PIN after a tap, or a
  verification the terminal cannot do.

  @CV-07
  Scenario: the bank asks for an SMS code and the right code is approved
    Given the bank answers "sms-step-up"
    When the cardholder pays 520.00 by swiping card "stripe-unionpay" with the right PIN
    Then the terminal shows ENTER_OTP
    When the cardholder enters the SMS code "246810"
    Then the terminal shows APPROVED
    And the last authorization carried the SMS code "246810"

  @CV-07
  Scenario: the bank asks for an SMS code and a wrong code is refused
    Given the bank answers "sms-step-up"
    When the cardholder pays 520.00 by swiping card "stripe-unionpay" with the right PIN
    Then the terminal shows ENTER_OTP
    When the cardholder enters the SMS code "111111"
    Then the terminal shows OTP_INCORRECT
    And the terminal never showed APPROVED

  @CV-07
  Scenario: the bank asks for an SMS code and none comes before the timeout
    Given the bank answers "sms-step-up"
    When the cardholder pays 520.00 by swiping card "stripe-unionpay" with the right PIN
    Then the terminal shows ENTER_OTP
    And the terminal shows TIMEOUT
    And the bank received 1 authorization
    And the bank received no reversal

  @CV-08
  Scenario: a contactless tap the bank wants verified by chip and PIN
    Given the bank answers "contactless-step-up"
    When a purchase of 200.00 is started
    And the cardholder taps card "contactless-mastercard"
    Then the terminal shows INSERT_AND_PIN
    When the cardholder inserts card "contactless-mastercard"
    And the cardholder enters the PIN
    Then the terminal shows APPROVED

  @CV-08
  Scenario: a tap over the contactless CVM limit needs the PIN, and the bank wants chip and PIN
    Given the bank answers "contactless-step-up"
    When the cardholder pays 520.00 by tapping card "contactless-mastercard" with the right PIN
    Then the terminal shows INSERT_AND_PIN
    When the cardholder inserts card "contactless-mastercard"
    And the cardholder enters the PIN
    Then the terminal shows APPROVED
    And the bank received 2 authorizations

  @CV-09
  Scenario: the bank asks for a face verification the terminal cannot perform
    Given the bank answers "face-verification"
    When the cardholder pays 3000.00 by swiping card "stripe-unionpay" with the right PIN
    Then the terminal shows VERIFY_AT_BANK
    And the terminal never showed APPROVED
