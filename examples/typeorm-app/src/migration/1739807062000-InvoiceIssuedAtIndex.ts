import { MigrationInterface, QueryRunner } from "typeorm";

export class InvoiceIssuedAtIndex1739807062000 implements MigrationInterface {
    name = 'InvoiceIssuedAtIndex1739807062000'

    // CREATE INDEX CONCURRENTLY cannot run inside a transaction block.
    transaction = false as const

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX CONCURRENTLY "invoice_issued_at_idx" ON "invoice"  ("issuedAt") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX CONCURRENTLY "public"."invoice_issued_at_idx"`);
    }

}
