Feature: Reading the card
  The terminal reads the card and refuses what it must refuse before anything goes to the bank.

  @CR-01
  Scenario: a damaged stripe reads as an error, and a good swipe right after proceeds
    When a purchase of 18.00 is started
    And the cardholder swipes card "damaged-stripe"
    Then the terminal shows READ_ERROR
    And the bank received no authorization
    When the cardholder swipes card "stripe-unionpay"
    And the cardholder enters the PIN
    Then the terminal shows APPROVED

  @CR-01
  Scenario: a demagnetised stripe reads as an error
    When a purchase of 12.00 is started
    And the cardholder swipes card "blank-stripe"
    Then the terminal shows READ_ERROR
    And the bank received no authorization

  @CR-02
  Scenario: a swipe too fast or too slow for the reader reads as an error, at nominal speed it reads
    When a purchase of 18.00 is started
    And the cardholder swipes card "stripe-unionpay" at 900 cm/s
    Then the terminal shows READ_ERROR
    When the cardholder swipes card "stripe-unionpay" at 5 cm/s
    Then the terminal shows READ_ERROR
    And the bank received no authorization
    When the cardholder swipes card "stripe-unionpay" at 50 cm/s
    And the cardholder enters the PIN
    Then the terminal shows APPROVED

  @CR-03
  Scenario: a chip card is swiped and the terminal asks for the chip
    When a purchase of 25.00 is started
    And the cardholder swipes card "chip-visa"
    Then the terminal shows INSERT_CHIP
    And the bank received no authorization
    When the cardholder presses CANCEL
    Then the terminal shows CANCELLED

  @CR-03
  Scenario: a chip card with a 6xx service code is swiped and the terminal asks for the chip
    When a purchase of 25.00 is started
    And the cardholder swipes card "chip-unionpay-national"
    Then the terminal shows INSERT_CHIP
    And the bank received no authorization
    When the cardholder presses CANCEL
    Then the terminal shows CANCELLED

  @CR-04
  Scenario: a chip that does not answer three times, with fallback closed, is not swiped instead
    Given the terminal does not allow fallback
    When a purchase of 30.00 is started
    And the cardholder inserts card "dead-chip"
    And the cardholder removes the card
    And the cardholder inserts card "dead-chip"
    And the cardholder removes the card
    And the cardholder inserts card "dead-chip"
    And the cardholder removes the card
    And the cardholder swipes card "dead-chip"
    Then the terminal shows FALLBACK_NOT_ALLOWED
    And the bank received no authorization

  @CR-04
  Scenario: a chip that does not answer three times, with fallback open, is swiped and marked as fallback
    Given the terminal allows fallback to the stripe
    When a purchase of 30.00 is started
    And the cardholder inserts card "dead-chip"
    And the cardholder removes the card
    And the cardholder inserts card "dead-chip"
    And the cardholder removes the card
    And the cardholder inserts card "dead-chip"
    And the cardholder removes the card
    And the cardholder swipes card "dead-chip"
    And the cardholder enters the PIN
    Then the terminal shows APPROVED
    And the authorization was marked as fallback

  @CR-05
  Scenario: the card is pulled out before the terminal goes online
    When a purchase of 42.00 is started
    And the cardholder inserts card "chip-visa"
    Then the terminal shows ENTER_PIN
    When the cardholder removes the card
    Then the terminal shows CARD_REMOVED
    And the bank received no authorization

  @CR-05
  Scenario: the card is pulled out after the bank approved, and the approval is reversed
    Given the bank answers "approve-slowly"
    When the cardholder pays 42.00 by inserting card "chip-visa" with the right PIN
    And the bank has received the authorization
    And the cardholder removes the card
    Then the terminal shows CARD_REMOVED
    And the bank received a reversal with reason "06"
    And the terminal never showed APPROVED

  @CR-06
  Scenario: a card whose application the terminal does not accept
    When a purchase of 15.00 is started
    And the cardholder inserts card "foreign-chip"
    Then the terminal shows CARD_NOT_SUPPORTED
    And the bank received no authorization

  @CR-06
  Scenario: a card whose BIN the terminal does not accept
    When a purchase of 15.00 is started
    And the cardholder swipes card "jcb-stripe"
    Then the terminal shows CARD_NOT_SUPPORTED
    And the bank received no authorization

  @CR-07
  Scenario: a card whose own data says it has expired
    When a purchase of 15.00 is started
    And the cardholder swipes card "expired-stripe"
    Then the terminal shows CARD_EXPIRED
    And the bank received no authorization

  @CR-07
  Scenario: a card that expired last month is refused
    When a purchase of 15.00 is started
    And the cardholder swipes card "expired-last-month"
    Then the terminal shows CARD_EXPIRED
    And the bank received no authorization

  @CR-07
  Scenario: a card expiring this month is valid through the month's last day
    When the cardholder pays 15.00 by swiping card "expires-this-month" with the right PIN
    Then the terminal shows APPROVED
    And the terminal never showed CARD_EXPIRED

  @CR-08
  Scenario: a card number that fails the Luhn check
    When a purchase of 15.00 is started
    And the cardholder swipes card "bad-luhn-stripe"
    Then the terminal shows INVALID_CARD
    And the bank received no authorization

  @CR-08
  Scenario Outline: a card number of <digits> digits is refused, though its Luhn digit is right
    When a purchase of 15.00 is started
    And the cardholder swipes card "<card>"
    Then the terminal shows INVALID_CARD
    And the bank received no authorization

    Examples:
      | digits | card          |
      | 12     | pan-12-digits |
      | 20     | pan-20-digits |

  @CR-08
  Scenario Outline: a card number of <digits> digits, at the edge of 13 to 19, is read and approved
    When the cardholder pays 15.00 by swiping card "<card>" with the right PIN
    Then the terminal shows APPROVED
    And the terminal never showed INVALID_CARD

    Examples:
      | digits | card          |
      | 13     | pan-13-digits |
      | 19     | pan-19-digits |
