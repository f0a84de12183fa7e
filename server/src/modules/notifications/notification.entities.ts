import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** Transactional outbox: written in the same transaction as the change it announces. */
@Entity('outbox_event')
@Index(['status', 'nextAttemptAt'])
export class OutboxEvent {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 40 }) type: string;
  @Column({ type: 'int', nullable: true }) workOrderId: number | null;
  @Column({ type: 'simple-json' }) payload: Record<string, unknown>;
  /** pending | done | failed */
  @Column({ type: 'varchar', length: 10 }) status: string;
  @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ type: 'datetime' }) nextAttemptAt: Date;
  @Column({ type: 'text', nullable: true }) lastError: string | null;
  @Column({ type: 'datetime', nullable: true }) processedAt: Date | null;
  @CreateDateColumn() createdAt: Date;
}

/** The in-app message list: every notification lands here, whatever else is sent. */
@Entity('notification')
@Index(['userId', 'id'])
export class Notification {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int' }) userId: number;
  @Column({ type: 'int', nullable: true }) eventId: number | null;
  @Column({ type: 'varchar', length: 40 }) type: string;
  @Column({ type: 'varchar', length: 100 }) title: string;
  @Column({ type: 'varchar', length: 500 }) body: string;
  @Column({ type: 'int', nullable: true }) workOrderId: number | null;
  @Column({ type: 'datetime', nullable: true }) readAt: Date | null;
  @CreateDateColumn() createdAt: Date;
}

/** One attempt chain to push a notification through an outside channel (WeChat, SMS). */
@Entity('notification_delivery')
@Index(['status', 'nextAttemptAt'])
export class NotificationDelivery {
  @PrimaryGeneratedColumn() id: number;
  @Index() @Column({ type: 'int' }) notificationId: number;
  @Column({ type: 'int' }) userId: number;
  /** wechat | sms */
  @Column({ type: 'varchar', length: 8 }) channel: string;
  /** pending | sending | sent | failed | skipped | capped (a per-hour cap stopped it: lastError says which) */
  @Column({ type: 'varchar', length: 10 }) status: string;
  @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ type: 'datetime' }) nextAttemptAt: Date;
  @Column({ type: 'datetime', nullable: true }) leaseUntil: Date | null;
  @Column({ type: 'varchar', length: 300, nullable: true }) lastError: string | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) externalId: string | null;
  @Column({ type: 'datetime', nullable: true }) sentAt: Date | null;
  @CreateDateColumn() createdAt: Date;
}

/** One-time subscribe-message grants left per user and template (each accept allows one send). */
@Entity('wechat_subscription')
export class WechatSubscription {
  @PrimaryColumn({ type: 'int' }) userId: number;
  @PrimaryColumn({ type: 'varchar', length: 64 }) templateId: string;
  @Column({ type: 'int', default: 0 }) remaining: number;
}
