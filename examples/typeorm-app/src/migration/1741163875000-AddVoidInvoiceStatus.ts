import { MigrationInterface, QueryRunner } from "typeorm";

export class AddVoidInvoiceStatus1741163875000 implements MigrationInterface {
    name = 'AddVoidInvoiceStatus1741163875000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TYPE "public"."invoice_status_enum" ADD VALUE 'void'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TYPE "public"."invoice_status_enum_old" AS ENUM('draft', 'issued', 'paid')`);
        await queryRunner.query(`ALTER TABLE "invoice" ALTER COLUMN "status" TYPE "public"."invoice_status_enum_old" USING "status"::"text"::"public"."invoice_status_enum_old"`);
        await queryRunner.query(`DROP TYPE "public"."invoice_status_enum"`);
        await queryRunner.query(`ALTER TYPE "public"."invoice_status_enum_old" RENAME TO "invoice_status_enum"`);
    }

}
