import { MigrationInterface, QueryRunner } from "typeorm";

export class AddVatNumberAndDueDate1738577925000 implements MigrationInterface {
    name = 'AddVatNumberAndDueDate1738577925000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "invoice" ADD "dueDate" date`);
        await queryRunner.query(`ALTER TABLE "customer" ADD "vatNumber" character varying(32)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "customer" DROP COLUMN "vatNumber"`);
        await queryRunner.query(`ALTER TABLE "invoice" DROP COLUMN "dueDate"`);
    }

}
