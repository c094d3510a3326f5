// Whether a WasabiCard card type takes an initial deposit when a card is opened, as a plain
// function (pure, so workflows may use it): the issuance flow fails with its answer, and the
// issuance's precondition read (wasabiIssuancePreconditions) asks it too, so it reads the
// cardholder only when the flow would go on to look at the holder, as it did with separate reads.
import { FAILURE_TYPES, type FailureType } from './failures';
import { Decimal } from './money';

/** The fields of a card type (as the activities summarise it) the opening rules read. */
export interface WasabiOpeningRules {
  cardTypeId: string;
  status: string;
  rechargeDigital?: number;
  depositAmountMinQuotaForActiveCard?: string;
  depositAmountMaxQuotaForActiveCard?: string;
}

/** Why the card type refuses to open a card with `amount`, or undefined when it accepts it. */
export function wasabiOpeningRefusal(
  type: WasabiOpeningRules,
  amount: string,
): { type: FailureType; message: string } | undefined {
  if (type.status.toLowerCase() !== 'online')
    return {
      type: FAILURE_TYPES.preconditionFailed,
      message: `card type ${type.cardTypeId} is ${type.status}`,
    };
  const value = new Decimal(amount);
  const min = type.depositAmountMinQuotaForActiveCard;
  const max = type.depositAmountMaxQuotaForActiveCard;
  if (min !== undefined && value.lt(min))
    return {
      type: FAILURE_TYPES.validationFailed,
      message: `initialDeposit: below the card type minimum of ${min}`,
    };
  if (max !== undefined && value.gt(max))
    return {
      type: FAILURE_TYPES.validationFailed,
      message: `initialDeposit: above the card type maximum of ${max}`,
    };
  if (type.rechargeDigital !== undefined && value.decimalPlaces() > type.rechargeDigital) {
    return {
      type: FAILURE_TYPES.validationFailed,
      message: `initialDeposit: at most ${type.rechargeDigital} decimal places`,
    };
  }
  return undefined;
}
