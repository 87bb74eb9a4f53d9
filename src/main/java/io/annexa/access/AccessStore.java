package io.annexa.access;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.persistence.config.PersistenceUnitProperties;
import org.eclipse.persistence.jpa.PersistenceProvider;

/**
 * Users and API tokens in the register database. The tables come from Flyway migrations, which must
 * have run before this opens: the persistence unit generates no schema. Thread-safe: every call uses
 * its own entity manager.
 */
public final class AccessStore implements AutoCloseable {

    static final String UNIT = "annexa-access";

    private final EntityManagerFactory factory;

    private AccessStore(EntityManagerFactory factory) {
        this.factory = factory;
    }

    public static AccessStore open(String url, String user, String password) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(PersistenceUnitProperties.ECLIPSELINK_PERSISTENCE_XML, "META-INF/annexa-persistence.xml");
        properties.put(PersistenceUnitProperties.CLASSLOADER, AccessStore.class.getClassLoader());
        properties.put(PersistenceUnitProperties.JDBC_URL, url);
        properties.put(PersistenceUnitProperties.JDBC_USER, user);
        properties.put(PersistenceUnitProperties.JDBC_PASSWORD, password);
        properties.put(PersistenceUnitProperties.JDBC_DRIVER, url.startsWith("jdbc:postgresql:") ? "org.postgresql.Driver" : "org.h2.Driver");
        EntityManagerFactory factory = new PersistenceProvider().createEntityManagerFactory(UNIT, properties);
        if (factory == null) {
            throw new IllegalStateException("persistence unit " + UNIT + " not found on the class path");
        }
        factory.createEntityManager().close();
        return new AccessStore(factory);
    }

    public long countUsers() {
        return read(em -> em.createQuery("select count(u) from UserAccount u", Long.class).getSingleResult());
    }

    public List<UserAccount> users() {
        return read(em -> em.createQuery("select u from UserAccount u order by u.name", UserAccount.class).getResultList());
    }

    public Optional<UserAccount> user(String name) {
        return read(em -> em.createQuery("select u from UserAccount u where u.name = :name", UserAccount.class)
                .setParameter("name", name).getResultStream().findFirst());
    }

    public UserAccount save(UserAccount user) {
        return write(em -> em.merge(user));
    }

    public List<ApiToken> tokens() {
        return read(em -> em.createQuery("select t from ApiToken t order by t.id", ApiToken.class).getResultList());
    }

    public List<ApiToken> tokensOf(String userName) {
        return read(em -> em.createQuery("select t from ApiToken t where t.userName = :user order by t.id", ApiToken.class)
                .setParameter("user", userName).getResultList());
    }

    public Optional<ApiToken> token(long id) {
        return read(em -> Optional.ofNullable(em.find(ApiToken.class, id)));
    }

    public Optional<ApiToken> tokenByHash(String hash) {
        return read(em -> em.createQuery("select t from ApiToken t where t.tokenHash = :hash", ApiToken.class)
                .setParameter("hash", hash).getResultStream().findFirst());
    }

    public ApiToken save(ApiToken token) {
        return write(em -> em.merge(token));
    }

    public boolean deleteToken(long id) {
        return write(em -> {
            ApiToken token = em.find(ApiToken.class, id);
            if (token == null) {
                return false;
            }
            em.remove(token);
            return true;
        });
    }

    private <T> T read(Function<EntityManager, T> work) {
        EntityManager em = factory.createEntityManager();
        try {
            return work.apply(em);
        } finally {
            em.close();
        }
    }

    private <T> T write(Function<EntityManager, T> work) {
        EntityManager em = factory.createEntityManager();
        EntityTransaction tx = em.getTransaction();
        try {
            tx.begin();
            T result = work.apply(em);
            tx.commit();
            return result;
        } finally {
            if (tx.isActive()) {
                tx.rollback();
            }
            em.close();
        }
    }

    @Override
    public void close() {
        factory.close();
    }
}
