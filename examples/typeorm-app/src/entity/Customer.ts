import { Column, CreateDateColumn, Entity, Index, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import { Invoice } from './Invoice';

@Entity('customer')
export class Customer {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('customer_email_key', { unique: true })
  @Column({ type: 'varchar', length: 255 })
  email: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'varchar', length: 32, nullable: true })
  vatNumber: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @OneToMany(() => Invoice, (invoice) => invoice.customer)
  invoices: Invoice[];
}
