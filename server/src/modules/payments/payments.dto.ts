import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { MAX_AMOUNT_FEN, OFFLINE_METHODS, type OfflineMethod } from '@linli/shared';

export class OfflinePaymentDto {
  @IsIn(OFFLINE_METHODS) method: OfflineMethod;
  /** Fen, a positive integer, at most what is due. */
  @IsInt() @Min(1) @Max(MAX_AMOUNT_FEN) amountFen: number;
  /** Receipt or transfer reference. */
  @IsOptional() @IsString() @MaxLength(100) reference?: string;
}

export class RefundDto {
  @IsInt() @Min(1) @Max(MAX_AMOUNT_FEN) amountFen: number;
  @IsString() @MinLength(2) @MaxLength(200) reason: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class ReconciliationQuery {
  @Matches(DAY) date: string;
  @IsOptional() @IsIn(['csv', 'xlsx', 'json']) format?: 'csv' | 'xlsx' | 'json';
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) communityId?: number;
}

export class TotalsQuery {
  @Matches(DAY) from: string;
  @Matches(DAY) to: string;
}

export class PaymentListQuery {
  @IsOptional() @IsIn(['pending', 'paid', 'closed']) status?: string;
}
