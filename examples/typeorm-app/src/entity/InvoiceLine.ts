import { Column, Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Invoice } from './Invoice';

@Entity('invoice_line')
export class InvoiceLine {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'integer' })
  quantity: number;

  @Column({ type: 'numeric', precision: 12, scale: 2 })
  unitPrice: string;

  @ManyToOne(() => Invoice, (invoice) => invoice.lines, { nullable: false, onDelete: 'CASCADE' })
  invoice: Invoice;
}
