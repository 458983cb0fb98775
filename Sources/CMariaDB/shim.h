#ifndef TABLEMIRROR_CMARIADB_SHIM_H
#define TABLEMIRROR_CMARIADB_SHIM_H
#include <stddef.h>
#include <string.h>
#include <mysql.h>
#include <mariadb_rpl.h>

/* Swift cannot call C variadic functions; these wrappers give each option a typed signature. */
static inline int tm_rpl_set_filename(MARIADB_RPL *rpl, const char *name, size_t length) {
    return mariadb_rpl_optionsv(rpl, MARIADB_RPL_FILENAME, name, length);
}
static inline int tm_rpl_set_start(MARIADB_RPL *rpl, unsigned long position) {
    return mariadb_rpl_optionsv(rpl, MARIADB_RPL_START, position);
}
static inline int tm_rpl_set_server_id(MARIADB_RPL *rpl, unsigned int server_id) {
    return mariadb_rpl_optionsv(rpl, MARIADB_RPL_SERVER_ID, server_id);
}
static inline int tm_rpl_set_flags(MARIADB_RPL *rpl, unsigned int flags) {
    return mariadb_rpl_optionsv(rpl, MARIADB_RPL_FLAGS, flags);
}
static inline int tm_set_int_option(MYSQL *mysql, enum mysql_option option, unsigned int value) {
    return mysql_optionsv(mysql, option, &value);
}
static inline int tm_set_bool_option(MYSQL *mysql, enum mysql_option option, my_bool value) {
    return mysql_optionsv(mysql, option, &value);
}
/* MySQL's COM_BINLOG_DUMP_GTID has no libmariadb wrapper; send it through the connection's own command path. */
static inline int tm_send_command(MYSQL *mysql, enum enum_server_command command, const char *arg, size_t length) {
    return mysql->methods->db_command(mysql, command, arg, length, 1, NULL);
}
/* The payload of the last packet read by mysql_net_read_packet. */
static inline const unsigned char *tm_last_packet(MYSQL *mysql) {
    return mysql->net.read_pos;
}
#endif
